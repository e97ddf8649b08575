/**
 * Rasterises annotation regions (box, polygon, brush mask; original-image pixels) into per-pixel
 * masks: a pixel belongs to a region when its centre does. Redaction and mask outlines use these.
 */
import type { Region } from '../../shared/api/annotations';

/** 1 where the region covers the pixel, row-major width×height. */
export function rasterizeRegion(region: Region, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  switch (region.shape) {
    case 'box': {
      const x0 = Math.max(0, Math.ceil(region.x - 0.5));
      const y0 = Math.max(0, Math.ceil(region.y - 0.5));
      const x1 = Math.min(width, Math.ceil(region.x + region.width - 0.5));
      const y1 = Math.min(height, Math.ceil(region.y + region.height - 0.5));
      for (let y = y0; y < y1; y++) out.fill(1, y * width + x0, y * width + Math.max(x0, x1));
      return out;
    }
    case 'polygon':
      fillPolygon(out, region.points, width, height);
      return out;
    case 'mask': {
      if (region.bits.length !== region.width * region.height) {
        throw new RangeError(`brush mask: expected ${region.width}×${region.height} = ${region.width * region.height} bits, found ${region.bits.length}`);
      }
      for (let my = 0; my < region.height; my++) {
        const y = region.y + my;
        if (y < 0 || y >= height) continue;
        for (let mx = 0; mx < region.width; mx++) {
          const x = region.x + mx;
          if (x >= 0 && x < width && region.bits[my * region.width + mx] === 1) out[y * width + x] = 1;
        }
      }
      return out;
    }
  }
}

/** Even-odd scanline fill at pixel centres. */
function fillPolygon(out: Uint8Array, points: readonly (readonly [number, number])[], width: number, height: number): void {
  const n = points.length;
  const ys = points.map((p) => p[1]);
  const yStart = Math.max(0, Math.floor(Math.min(...ys)));
  const yEnd = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  const crossings: number[] = [];
  for (let y = yStart; y <= yEnd; y++) {
    const cy = y + 0.5;
    crossings.length = 0;
    for (let i = 0; i < n; i++) {
      const [ax, ay] = points[i] as readonly [number, number];
      const [bx, by] = points[(i + 1) % n] as readonly [number, number];
      // Half-open rule so a vertex on the scanline counts once.
      if (ay <= cy !== by <= cy) crossings.push(ax + ((cy - ay) / (by - ay)) * (bx - ax));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const x0 = Math.max(0, Math.ceil((crossings[k] as number) - 0.5));
      const x1 = Math.min(width, Math.ceil((crossings[k + 1] as number) - 0.5));
      if (x1 > x0) out.fill(1, y * width + x0, y * width + x1);
    }
  }
}

/** Union of several masks of the same size. */
export function unionMasks(masks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (const m of masks) for (let i = 0; i < size; i++) if (m[i]) out[i] = 1;
  return out;
}
