/**
 * PNG overlays at the image's own resolution: the grid map is carried back through the
 * preprocessing geometry (shared/dexar/geometry), coloured by the shared overlay renderer
 * (same colours as the canvas and reports) and alpha-blended over the decoded image — the same
 * RGB pixels the model's preprocessing read.
 */
import sharp from 'sharp';
import { mapToImage, type ImageTransform } from '../../shared/dexar/geometry';
import { DEFAULT_OVERLAY, renderOverlay, type OverlayStyle } from '../../shared/heatmap/render';
import type { RgbImage } from './image/resample';

export function blendOverlay(image: RgbImage, map: ArrayLike<number>, grid: readonly [number, number], transform: ImageTransform, style: OverlayStyle = DEFAULT_OVERLAY): Uint8Array {
  const values = mapToImage(map, grid[0], grid[1], transform, image.width, image.height);
  const rgba = renderOverlay(values, style);
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < image.width * image.height; i++) {
    const a = (rgba[i * 4 + 3] as number) / 255;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round((image.data[i * 3 + c] as number) * (1 - a) + (rgba[i * 4 + c] as number) * a);
  }
  return out;
}

export async function writeOverlayPng(
  image: RgbImage,
  map: ArrayLike<number>,
  grid: readonly [number, number],
  transform: ImageTransform,
  outPath: string,
  style: OverlayStyle = DEFAULT_OVERLAY,
): Promise<void> {
  const pixels = blendOverlay(image, map, grid, transform, style);
  await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toFile(outPath);
}
