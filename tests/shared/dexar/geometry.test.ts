import { describe, expect, it } from 'vitest';
import { cellToImageRect, imageTransform, mapToImage, upsampleBilinear } from '../../../shared/dexar/geometry';

const CLIP = {
  pad: { mode: 'none' as const },
  resize: { enabled: true, mode: 'shortest_edge' as const, size: [32, 32] },
  crop: { mode: 'center' as const, size: [32, 32] },
};

describe('shared/dexar/upsampleBilinear', () => {
  it('matches align_corners=False bilinear (torch F.interpolate) on a 2×2 map', () => {
    const up = upsampleBilinear([0, 1, 2, 3], 2, 2, [4, 4]);
    expect([...up.slice(0, 4)]).toEqual([0, 0.25, 0.75, 1]);
    expect([...up.slice(12, 16)]).toEqual([2, 2.25, 2.75, 3]);
  });
});

describe('shared/dexar/imageTransform', () => {
  it('follows shortest-edge resize and centre crop like the HF CLIP processor', () => {
    const t = imageTransform(CLIP, 48, 40); // → 38×32, crop 3 px off the left
    expect(t.resizedSize).toEqual([32, 38]);
    expect([t.cropLeft, t.cropTop]).toEqual([3, 0]);
    expect(t.modelSize).toEqual([32, 32]);
  });
  it('pads to a square with the image centred', () => {
    const t = imageTransform({ ...CLIP, pad: { mode: 'square' } }, 40, 20);
    expect([t.padLeft, t.padTop, t.scaleX, t.cropLeft]).toEqual([0, 10, 32 / 40, 0]);
  });
});

describe('shared/dexar/mapToImage', () => {
  it('puts each grid cell on the image pixels the model saw and leaves cropped pixels NaN', () => {
    const t = imageTransform(CLIP, 48, 40);
    const grid = Float32Array.from({ length: 16 }, (_, i) => i % 4); // value = grid column
    const img = mapToImage(grid, 4, 4, t, 48, 40);
    const row = [...img.slice(20 * 48, 21 * 48)];
    expect(row.slice(0, 4).every(Number.isNaN)).toBe(true); // x < 3.79 px is cropped away
    expect(row.slice(44).every(Number.isNaN)).toBe(true);
    expect(row[4]).toBe(0); // left edge: first grid column
    expect(row[43]).toBe(3); // right edge: last grid column
    // Cell (0, 1) covers model x 8..16 → image x (8+3)/(38/48) … (16+3)/(38/48).
    const [x0, y0, x1, y1] = cellToImageRect(0, 1, 4, 4, t);
    expect(x0).toBeCloseTo(11 * (48 / 38), 9);
    expect(x1).toBeCloseTo(19 * (48 / 38), 9);
    expect([y0, y1]).toEqual([0, 10]);
  });
});
