import { describe, expect, it } from 'vitest';
import { patchRect, perturbationCurve, removePatches } from '../../../main/evaluation/perturbation';

describe('evaluation/patchRect', () => {
  it('gives the cell rectangle [y0, y1, x0, x1] on an evenly divided input', () => {
    expect(patchRect(5, [2, 3], [4, 6])).toEqual([2, 4, 4, 6]);
  });
  it('floors the edges when the grid does not divide the input', () => {
    expect(patchRect(4, [3, 3], [10, 10])).toEqual([3, 6, 3, 6]);
    expect(patchRect(8, [3, 3], [10, 10])).toEqual([6, 10, 6, 10]);
  });
  it('refuses a cell outside the grid', () => {
    expect(() => patchRect(9, [3, 3], [10, 10])).toThrow(/\[0, 9\), found 9/);
  });
});

describe('evaluation/removePatches', () => {
  it('zeroes the patch in every channel of a copy', () => {
    const pixels = Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => i + 1);
    const out = removePatches(pixels, [1, 2, 4, 4], [2, 2], [1]);
    const zeroed = [...out.keys()].filter((i) => out[i] === 0);
    // top-right 2×2 cell: rows 0–1, columns 2–3, in channel 0 (offset 0) and channel 1 (offset 16)
    expect(zeroed).toEqual([2, 3, 6, 7, 18, 19, 22, 23]);
    expect(pixels[2]).toBe(3);
  });
  it('checks the pixel layout', () => {
    expect(() => removePatches(new Float32Array(10), [1, 3, 2, 2], [1, 1], [0])).toThrow(/dims 1×3×2×2, found 10 values/);
  });
});

describe('evaluation/perturbationCurve', () => {
  // Ten one-pixel patches with scores 0…9; removing patch i adds i/45 to the normalised perplexity.
  const scores = Array.from({ length: 10 }, (_, i) => i);
  const pixels = Float32Array.from({ length: 10 }, () => 1);
  const perplexityOf = async (p: Float32Array) => 2 * (1 + [...p].reduce((s, v, i) => s + (v === 0 ? i / 45 : 0), 0));

  it('removes the most relevant patches first (positive): ratio 1 + k(19 − k)/90 after k patches', async () => {
    const curve = await perturbationCurve(scores, 'positive', pixels, [1, 1, 1, 10], [1, 10], 2, perplexityOf);
    expect(curve.percents).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    curve.ratios.forEach((r, k) => expect(r).toBeCloseTo(1 + (k * (19 - k)) / 90, 12));
    // trapezoid: 0.1 · (Σ ratios − (first + last)/2) = 0.1 · (16.3333… − 1.5)
    expect(curve.auc).toBeCloseTo(1.4833333333, 9);
  });
  it('removes the least relevant first (negative): ratio 1 + k(k − 1)/90', async () => {
    const curve = await perturbationCurve(scores, 'negative', pixels, [1, 1, 1, 10], [1, 10], 2, perplexityOf);
    curve.ratios.forEach((r, k) => expect(r).toBeCloseTo(1 + (k * (k - 1)) / 90, 12));
    // Σ k(k−1)/90 over k = 0…9 = 240/90; 0.1 · (10 + 2.6667 − (1 + 1.8)/2)
    expect(curve.auc).toBeCloseTo(0.1 * (10 + 240 / 90 - (1 + 1.8) / 2), 9);
  });
});
