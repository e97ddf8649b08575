/**
 * Redaction: pixels of regions marked sensitive are replaced by a coarse pixelation that is then
 * gaussian-blurred, so neither fine detail nor block edges survive. Runs on the decoded image
 * before the overlay or any annotation is drawn, in every export (main image and thumbnails).
 */
import sharp from 'sharp';
import type { RgbImage } from '../engine/image/resample';
import type { ParsedReportCase } from './types';
import { rasterizeRegion, unionMasks } from './regions';

/** Union mask of every sensitive region of the case, or null when nothing is sensitive. */
export function sensitiveMask(c: ParsedReportCase): Uint8Array | null {
  const { width, height } = c.image;
  const masks = c.annotations.flatMap((a) => a.regions.filter((r) => r.sensitive).map((r) => rasterizeRegion(r.area, width, height)));
  return masks.length === 0 ? null : unionMasks(masks, width * height);
}

/** Block side of the pixelation: about 1/32 of the long side, at least 8 px. */
export function redactionBlock(width: number, height: number): number {
  return Math.max(8, Math.round(Math.max(width, height) / 32));
}

export async function redact(image: RgbImage, mask: Uint8Array | null): Promise<RgbImage> {
  if (!mask) return image;
  const { width, height } = image;
  const block = redactionBlock(width, height);
  const coarse = pixelate(image, block);
  const blurred = await sharp(Buffer.from(coarse.buffer, coarse.byteOffset, coarse.byteLength), { raw: { width, height, channels: 3 } })
    .blur(block / 2)
    .raw()
    .toBuffer();
  const out = new Uint8Array(image.data);
  for (let i = 0; i < width * height; i++) {
    if (!mask[i]) continue;
    out[i * 3] = blurred[i * 3] as number;
    out[i * 3 + 1] = blurred[i * 3 + 1] as number;
    out[i * 3 + 2] = blurred[i * 3 + 2] as number;
  }
  return { width, height, data: out };
}

function pixelate(image: RgbImage, block: number): Uint8Array {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let by = 0; by < height; by += block) {
    for (let bx = 0; bx < width; bx += block) {
      const ye = Math.min(height, by + block);
      const xe = Math.min(width, bx + block);
      const sum = [0, 0, 0];
      for (let y = by; y < ye; y++) for (let x = bx; x < xe; x++) for (let c = 0; c < 3; c++) sum[c] = (sum[c] as number) + (data[(y * width + x) * 3 + c] as number);
      const count = (ye - by) * (xe - bx);
      const mean = sum.map((s) => Math.round(s / count));
      for (let y = by; y < ye; y++) for (let x = bx; x < xe; x++) for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = mean[c] as number;
    }
  }
  return out;
}
