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
  const box = maskBounds(mask, width, height);
  if (!box) return image;
  const block = redactionBlock(width, height);
  // Work on the masked area plus a margin (the blur's reach), aligned to the block grid so the
  // result does not depend on where the margin happens to end.
  const x0 = Math.max(0, Math.floor((box.x0 - 2 * block) / block) * block);
  const y0 = Math.max(0, Math.floor((box.y0 - 2 * block) / block) * block);
  const x1 = Math.min(width, box.x1 + 2 * block);
  const y1 = Math.min(height, box.y1 + 2 * block);
  const cw = x1 - x0;
  const ch = y1 - y0;
  const crop = new Uint8Array(cw * ch * 3);
  for (let y = 0; y < ch; y++) crop.set(image.data.subarray(((y0 + y) * width + x0) * 3, ((y0 + y) * width + x1) * 3), y * cw * 3);
  const coarse = pixelate({ width: cw, height: ch, data: crop }, block);
  const blurred = await sharp(Buffer.from(coarse.buffer, coarse.byteOffset, coarse.byteLength), { raw: { width: cw, height: ch, channels: 3 } })
    .blur(block / 2)
    .raw()
    .toBuffer();
  const out = new Uint8Array(image.data);
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      if (!mask[y * width + x]) continue;
      const o = (y * width + x) * 3;
      const b = ((y - y0) * cw + (x - x0)) * 3;
      out[o] = blurred[b] as number;
      out[o + 1] = blurred[b + 1] as number;
      out[o + 2] = blurred[b + 2] as number;
    }
  }
  return { width, height, data: out };
}

/** Bounding box of the set pixels [x0, x1) × [y0, y1), or null when none is set. */
function maskBounds(mask: Uint8Array, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < height; y++) {
    const row = mask.subarray(y * width, (y + 1) * width);
    const first = row.indexOf(1);
    if (first < 0) continue;
    x0 = Math.min(x0, first);
    x1 = Math.max(x1, row.lastIndexOf(1) + 1);
    y0 = Math.min(y0, y);
    y1 = y + 1;
  }
  return x1 > x0 ? { x0, y0, x1, y1 } : null;
}

/** Each block × block tile replaced by its mean colour. */
function pixelate(image: RgbImage, block: number): Uint8Array {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let by = 0; by < height; by += block) {
    const ye = Math.min(height, by + block);
    for (let bx = 0; bx < width; bx += block) {
      const xe = Math.min(width, bx + block);
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = by; y < ye; y++) {
        for (let i = (y * width + bx) * 3, end = (y * width + xe) * 3; i < end; i += 3) {
          r += data[i] as number;
          g += data[i + 1] as number;
          b += data[i + 2] as number;
        }
      }
      const count = (ye - by) * (xe - bx);
      const mr = Math.round(r / count);
      const mg = Math.round(g / count);
      const mb = Math.round(b / count);
      for (let y = by; y < ye; y++) {
        for (let i = (y * width + bx) * 3, end = (y * width + xe) * 3; i < end; i += 3) {
          out[i] = mr;
          out[i + 1] = mg;
          out[i + 2] = mb;
        }
      }
    }
  }
  return out;
}
