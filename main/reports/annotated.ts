/**
 * The annotated image at native resolution: decode → redact sensitive regions → heatmap overlay
 * (shared colours, mapped back through the model's preprocessing) → the analyst's regions.
 * Redaction comes first so nothing drawn later can be mistaken for (or hide) unblurred content.
 */
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import { imageTransform } from '../../shared/dexar/geometry';
import { DexarError } from '../../shared/api/envelope';
import type { OverlayStyle } from '../../shared/heatmap/render';
import { blendOverlay } from '../engine/overlay';
import type { RgbImage } from '../engine/image/resample';
import { maskLayerRgba, vectorLayerSvg } from './annotations-layer';
import { redact, sensitiveMask } from './redact';
import type { ParsedReportCase, ReportCase } from './types';
import { parseReportCase } from './validate';

/** Decodes the original bytes to sRGB, checking they have the size the case claims. */
export async function decodeImage(c: ParsedReportCase): Promise<RgbImage> {
  const { data, info } = await sharp(c.image.bytes, { failOn: 'error' }).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.width !== c.image.width || info.height !== c.image.height) {
    throw new DexarError('validation', `report image ${c.image.name}: expected ${c.image.width}×${c.image.height}, decoded ${info.width}×${info.height}`);
  }
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function overlayStyle(c: ParsedReportCase): OverlayStyle {
  return { colormap: c.style.colormap, opacity: c.style.opacity, threshold: c.style.threshold, alphaByValue: c.style.alphaByValue, range: c.style.range };
}

/** The decoded image with sensitive regions already blurred: the base of every export. */
export async function redactedImage(c: ParsedReportCase): Promise<RgbImage> {
  return redact(await decodeImage(c), sensitiveMask(c));
}

/** Overlay of a grid map on an image of any size showing the whole original frame. */
export function withOverlay(c: ParsedReportCase, base: RgbImage, values: readonly number[]): RgbImage {
  const transform = imageTransform(c.overlay.geometry, base.width, base.height);
  const data = blendOverlay(base, values, [c.overlay.gh, c.overlay.gw], transform, overlayStyle(c));
  return { width: base.width, height: base.height, data };
}

/** Redacted image + displayed overlay + annotation shapes, as RGB pixels at native resolution. */
export async function annotatedImage(c: ParsedReportCase, base?: RgbImage): Promise<RgbImage> {
  const overlaid = withOverlay(c, base ?? (await redactedImage(c)), c.overlay.values);
  const { width, height } = overlaid;
  const layers: OverlayOptions[] = [];
  const masks = maskLayerRgba(c);
  if (masks) layers.push({ input: Buffer.from(masks.buffer, masks.byteOffset, masks.byteLength), raw: { width, height, channels: 4 } });
  const vectors = vectorLayerSvg(c);
  if (vectors) layers.push({ input: vectors });
  if (layers.length === 0) return overlaid;
  // Composite yields RGBA; drop the (fully opaque) alpha so exports carry no soft mask.
  const rgba = await rawImage(overlaid).composite(layers).raw().toBuffer();
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[i * 3] = rgba[i * 4] as number;
    data[i * 3 + 1] = rgba[i * 4 + 1] as number;
    data[i * 3 + 2] = rgba[i * 4 + 2] as number;
  }
  return { width, height, data };
}

export function rawImage(image: RgbImage): Sharp {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } });
}

/** One annotated image as PNG at the image's full native resolution. */
export async function renderAnnotatedPng(input: ReportCase): Promise<Buffer> {
  const c = parseReportCase(input);
  return rawImage(await annotatedImage(c)).png({ compressionLevel: 9 }).toBuffer();
}

/**
 * A small PNG of one token's map over the redacted image. The image is shrunk first and the map
 * laid on the shrunk frame: the preprocessing geometry is scale-free (pad, resize, centre crop),
 * so the heat lands on the same content without a full-resolution pass per token.
 */
export async function renderThumbnailPng(c: ParsedReportCase, base: RgbImage, values: readonly number[], longSide: number): Promise<Buffer> {
  const scale = Math.min(1, longSide / Math.max(base.width, base.height));
  const width = Math.max(1, Math.round(base.width * scale));
  const height = Math.max(1, Math.round(base.height * scale));
  const small = await rawImage(base)
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer();
  const overlaid = withOverlay(c, { width, height, data: new Uint8Array(small.buffer, small.byteOffset, small.byteLength) }, values);
  return rawImage(overlaid).png().toBuffer();
}
