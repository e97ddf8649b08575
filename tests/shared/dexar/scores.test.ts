import { describe, expect, it } from 'vitest';
import { headFilter, minmax, reluColumns, tokenWeight, topKMean } from '../../../shared/dexar/scores';
import { imageColumns, textColumns } from '../../../shared/dexar/columns';
import { parseLayerSpec, resolveLayers, OFFICIAL_SETTINGS } from '../../../shared/dexar/settings';

describe('shared/dexar/reluColumns', () => {
  it('keeps the positive part of the chosen columns, row by row', () => {
    const g = new Float32Array([1, -2, 3, -4, 0.5, -0.5, 2, 0]); // 2 × 4
    expect([...reluColumns(g, 2, 4, Int32Array.from([1, 2]))]).toEqual([0, 3, 0, 2]);
    expect(() => reluColumns(g, 2, 4, Int32Array.from([4]))).toThrow(/\[0, 4\)/);
  });
});

describe('shared/dexar/topKMean', () => {
  it('is the max for k = 1 and the mean of the k largest otherwise', () => {
    const m = new Float32Array([1, 5, 3, 0, 2, 2]); // 2 × 3
    expect([...topKMean(m, 2, 3, 1)]).toEqual([5, 2]);
    expect([...topKMean(m, 2, 3, 2)]).toEqual([4, 2]);
  });
  it('clamps k to the width and scores an empty row 0', () => {
    expect([...topKMean(new Float32Array([1, 3]), 1, 2, 5)]).toEqual([2]);
    expect([...topKMean(new Float32Array([]), 2, 0, 1)]).toEqual([0, 0]);
  });
});

describe('shared/dexar/headFilter', () => {
  it('is max(0, Sv − Stxt)', () => {
    expect([...headFilter(Float64Array.from([3, 1, 2]), Float64Array.from([1, 2, 2]))]).toEqual([2, 0, 0]);
  });
});

describe('shared/dexar/tokenWeight', () => {
  it('compares the best visual head with the best text head', () => {
    // best Sv = 4 (head 1), best Stxt = 3 (head 0): δ = 1 although head 1 alone has 4 − 0.
    expect(tokenWeight(Float64Array.from([1, 4]), Float64Array.from([3, 0]))).toBe(1);
    expect(tokenWeight(Float64Array.from([1, 2]), Float64Array.from([3, 0]))).toBe(0);
  });
});

describe('shared/dexar/minmax', () => {
  it('stretches to [0, 1] and leaves a constant array alone', () => {
    expect([...minmax(new Float32Array([2, 4, 3]))]).toEqual([0, 1, 0.5]);
    expect([...minmax(new Float32Array([0, 0]))]).toEqual([0, 0]);
  });
});

describe('shared/dexar/textColumns', () => {
  it('is every column up to q outside the image, minus i0+N in official mode', () => {
    const span = { start: 2, count: 3 }; // I = 2,3,4
    expect([...imageColumns(span)]).toEqual([2, 3, 4]);
    expect([...textColumns(7, span, true)]).toEqual([0, 1, 6, 7]);
    expect([...textColumns(7, span, false)]).toEqual([0, 1, 5, 6, 7]);
    expect(() => textColumns(3, span, true)).toThrow(/after the image/);
  });
});

describe('shared/dexar/resolveLayers', () => {
  it('takes the last 10 layers, all when L ≤ 10, and checks explicit sets', () => {
    expect(resolveLayers(OFFICIAL_SETTINGS, 32)).toEqual([22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
    expect(resolveLayers(OFFICIAL_SETTINGS, 4)).toEqual([0, 1, 2, 3]);
    expect(resolveLayers({ ...OFFICIAL_SETTINGS, layers: [3, 1, 3] }, 4)).toEqual([1, 3]);
    expect(() => resolveLayers({ ...OFFICIAL_SETTINGS, layers: [4] }, 4)).toThrow(/\[0, 4\), found 4/);
  });
  it('parses layer specs', () => {
    expect(parseLayerSpec('0-2,7')).toEqual([0, 1, 2, 7]);
    expect(() => parseLayerSpec('3-1')).toThrow(/first ≤ last/);
    expect(() => parseLayerSpec('x')).toThrow(/found "x"/);
  });
});

describe('shared/dexar/randomMap', () => {
  it('is seeded, in [0, 1) and differs between seeds', async () => {
    const { randomMap } = await import('../../../shared/dexar/baselines');
    expect([...randomMap(16, 3)]).toEqual([...randomMap(16, 3)]);
    expect([...randomMap(16, 3)]).not.toEqual([...randomMap(16, 4)]);
    expect([...randomMap(1000, 1)].every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
