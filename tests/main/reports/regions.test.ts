import { describe, expect, it } from 'vitest';
import { rasterizeRegion } from '../../../main/reports/regions';
import { redact } from '../../../main/reports/redact';

const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);

describe('reports/rasterizeRegion', () => {
  it('covers the pixels whose centres fall inside a box, clipped to the image', () => {
    const m = rasterizeRegion({ shape: 'box', x: 2, y: 1, width: 3, height: 2 }, 8, 4);
    expect(count(m)).toBe(6);
    expect([m[1 * 8 + 2], m[1 * 8 + 4], m[1 * 8 + 5], m[0 * 8 + 2]]).toEqual([1, 1, 0, 0]);
    expect(count(rasterizeRegion({ shape: 'box', x: -5, y: -5, width: 7, height: 7 }, 8, 4))).toBe(4);
  });

  it('fills polygons by the even-odd rule at pixel centres', () => {
    // Right triangle with legs 40: area 800; centre sampling stays within one edge's worth of pixels.
    const m = rasterizeRegion({ shape: 'polygon', points: [[0, 0], [40, 0], [0, 40]] }, 50, 50);
    expect(Math.abs(count(m) - 800)).toBeLessThanOrEqual(40);
    expect(m[5 * 50 + 5]).toBe(1);
    expect(m[30 * 50 + 30]).toBe(0);
  });

  it('places brush bits at their offset and names a size mismatch', () => {
    const m = rasterizeRegion({ shape: 'mask', x: 3, y: 2, width: 2, height: 2, bits: [1, 0, 0, 1] }, 6, 6);
    expect([...m].flatMap((v, i) => (v ? [i] : []))).toEqual([2 * 6 + 3, 3 * 6 + 4]);
    expect(() => rasterizeRegion({ shape: 'mask', x: 0, y: 0, width: 2, height: 2, bits: [1] }, 6, 6)).toThrow(/expected 2×2 = 4 bits, found 1/);
  });
});

describe('reports/redact', () => {
  it('replaces exactly the masked pixels, and removes their detail', async () => {
    const width = 300;
    const height = 200;
    const data = new Uint8Array(width * height * 3);
    // 2-px stripes: maximal detail that a blur must remove.
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(Math.floor(x / 2) % 2 ? 230 : 20, (y * width + x) * 3, (y * width + x) * 3 + 3);
    const mask = rasterizeRegion({ shape: 'polygon', points: [[250, 120], [299, 199], [200, 199]] }, width, height);
    const out = await redact({ width, height, data }, mask);
    let changedOutside = 0;
    const inside: number[] = [];
    for (let i = 0; i < width * height; i++) {
      if (mask[i]) inside.push(out.data[i * 3] as number);
      else if (out.data[i * 3] !== data[i * 3]) changedOutside++;
    }
    expect(changedOutside).toBe(0);
    const mean = inside.reduce((s, v) => s + v, 0) / inside.length;
    expect(Math.max(...inside.map((v) => Math.abs(v - mean)))).toBeLessThan(20);
    expect(await redact({ width, height, data }, null)).toEqual({ width, height, data });
  });
});
