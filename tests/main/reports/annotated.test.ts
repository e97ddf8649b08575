import { describe, expect, it } from 'vitest';
import { colormapLut } from '../../../shared/heatmap/colormap';
import { renderAnnotatedPng } from '../../../main/reports/annotated';
import { ANNOTATION_COLOURS, hexRgb } from '../../../main/reports/annotations-layer';
import { COLD, expectedValue, HEIGHT, HOT, makeCase, pixel, rawRgb, SECRET, WIDTH } from './fixtures';

function regionStats(img: { data: Buffer; width: number }, r: typeof SECRET, inset: number) {
  let diffSum = 0;
  let count = 0;
  const values: number[] = [];
  return {
    against(orig: { data: Buffer; width: number }) {
      for (let y = r.y + inset; y < r.y + r.height - inset; y++) {
        for (let x = r.x + inset; x < r.x + r.width - inset; x++) {
          const a = pixel(img, x, y);
          const b = pixel(orig, x, y);
          diffSum += Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
          values.push(a[0]);
          count++;
        }
      }
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
      return { meanDiff: diffSum / (3 * count), std };
    },
  };
}

describe('reports/renderAnnotatedPng', () => {
  it('keeps the native size and puts the overlay where the map is hot', async () => {
    const c = await makeCase();
    const out = await rawRgb(await renderAnnotatedPng(c));
    const orig = await rawRgb(c.image.bytes);
    expect([out.width, out.height]).toEqual([WIDTH, HEIGHT]);

    const lut = colormapLut('inferno');
    const expectBlend = (x: number, y: number) => {
      const v = expectedValue(x, y);
      const level = Math.round(v * 255) * 3;
      const got = pixel(out, x, y);
      const base = pixel(orig, x, y);
      for (let ch = 0; ch < 3; ch++) expect(Math.abs(got[ch]! - (0.4 * base[ch]! + 0.6 * lut[level + ch]!))).toBeLessThanOrEqual(1);
    };
    // Hot: 40 % image + 60 % of the colormap at the map's value.
    expect(expectedValue(HOT.x, HOT.y)).toBeGreaterThan(0.7);
    expectBlend(HOT.x, HOT.y);
    const [h, o] = [pixel(out, HOT.x, HOT.y), pixel(orig, HOT.x, HOT.y)];
    expect(Math.abs(h[0] - o[0]) + Math.abs(h[1] - o[1]) + Math.abs(h[2] - o[2])).toBeGreaterThan(60);
    // Below the hot spot the padding matters: ignoring it would read a clearly different value.
    expect(Math.abs(expectedValue(240, 165) - expectedValue(240, 165, false))).toBeGreaterThan(0.15);
    expectBlend(240, 165);
    // Cold: below the threshold, the image shows through untouched.
    expect(expectedValue(COLD.x, COLD.y)).toBeLessThan(0.2);
    expect(pixel(out, COLD.x, COLD.y)).toEqual(pixel(orig, COLD.x, COLD.y));
  });

  it('blurs sensitive regions and leaves the rest of the image alone', async () => {
    const redacted = await rawRgb(await renderAnnotatedPng(await makeCase({ sensitive: true })));
    const plain = await rawRgb(await renderAnnotatedPng(await makeCase({ sensitive: false })));
    const orig = await rawRgb((await makeCase()).image.bytes);
    // Inset past the outline stroke: compare the region's content only.
    const inside = regionStats(redacted, SECRET, 6).against(orig);
    const untouched = regionStats(plain, SECRET, 6).against(orig);
    expect(untouched.meanDiff).toBe(0);
    expect(inside.meanDiff).toBeGreaterThan(40);
    // The checkerboard (std ≈ 105) is gone, not just tinted.
    expect(untouched.std).toBeGreaterThan(90);
    expect(inside.std).toBeLessThan(20);
    // Outside every region, stroke and hot spot: byte-identical.
    for (const [x, y] of [[150, 20], [COLD.x, COLD.y], [300, 230], [10, 10]] as const) expect(pixel(redacted, x, y)).toEqual(pixel(orig, x, y));
  });

  it('draws each annotation region in its colour', async () => {
    const out = await rawRgb(await renderAnnotatedPng(await makeCase()));
    // Left edge of the first annotation's box (x = 196), halfway down.
    expect(pixel(out, 196, 120)).toEqual(hexRgb(ANNOTATION_COLOURS[0]));
  });

  it('rejects an image whose size is not the one claimed', async () => {
    const c = await makeCase();
    await expect(renderAnnotatedPng({ ...c, image: { ...c.image, width: 321 } })).rejects.toThrow(/expected 321×240, decoded 320×240/);
  });

  it('rejects token maps off the overlay grid', async () => {
    const c = await makeCase();
    await expect(renderAnnotatedPng({ ...c, tokenMaps: [{ tokenIndex: 1, values: [1, 2, 3] }] })).rejects.toThrow(/tokenMaps\.0\.values: expected 64 values/);
  });
});
