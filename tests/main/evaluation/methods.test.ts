import { describe, expect, it } from 'vitest';
import type { TokenEvidence } from '../../../shared/dexar/evidence';
import { methodMaps, parseMethods, questionSeed, METHODS, type MethodMaps } from '../../../main/evaluation/methods';

/** Two tokens, two head rows (K·H = 2), two image patches; P̂ = P / 2 (global min 0, max 2). */
function token(imageRelevance: number[], headWeights: number[], tokenWeight: number, visualScores: number[], attentionMap: number[]): TokenEvidence {
  return {
    queryRow: 0,
    textColumns: new Int32Array(0),
    imageRelevance: Float32Array.from(imageRelevance),
    visualScores: Float64Array.from(visualScores),
    textScores: new Float64Array(2),
    headWeights: Float64Array.from(headWeights),
    tokenWeight,
    attentionMap: Float64Array.from(attentionMap),
  };
}
const evidence = [token([1, 0, 0, 2], [1, 0], 0.5, [1, 2], [0.2, 0.1]), token([0, 2, 0, 2], [0, 1], 0, [2, 2], [0.3, 0.4])];
const plain = (m: MethodMaps | undefined) => ({ tokens: m?.tokenMaps.map((t) => [...t]), sentence: [...(m?.sentenceMap ?? [])], weights: [...(m?.tokenWeights ?? [])] });
const opts = { headFilter: true, sequenceFilter: true, randomSeed: 7 };

describe('evaluation/methodMaps', () => {
  it('DEX-AR: head-filtered token maps, δ-weighted sentence map, δ as weights', () => {
    // t0: 1·[0.5, 0] + 0·[0, 1] → [1, 0]; t1: 0·[0, 1] + 1·[0, 1] → [0, 1]; E = minmax(0.5·[0.5, 0] + 0·…) = [1, 0]
    expect(plain(methodMaps(evidence, 2, 2, ['dexar'], opts).dexar)).toEqual({ tokens: [[1, 0], [0, 1]], sentence: [1, 0], weights: [0.5, 0] });
  });
  it('ablations: w = 1 (no head filter) and δ = 1 (no sequence filter)', () => {
    // w = 1: t0 = [0.5, 1] → [0, 1], t1 = [0, 2] → [0, 1], E = minmax(0.5·[0.5, 1]) = [0, 1]
    expect(plain(methodMaps(evidence, 2, 2, ['dexar'], { ...opts, headFilter: false }).dexar)).toEqual({ tokens: [[0, 1], [0, 1]], sentence: [0, 1], weights: [0.5, 0] });
    // δ = 1: E = minmax([0.5, 0] + [0, 1]) = [0, 1]; token maps unchanged
    expect(plain(methodMaps(evidence, 2, 2, ['dexar'], { ...opts, sequenceFilter: false }).dexar)).toEqual({ tokens: [[1, 0], [0, 1]], sentence: [0, 1], weights: [0.5, 0] });
  });
  it('unfiltered: Σ P̂ per token and over tokens, max Sv as weights', () => {
    // t0 = [0.5, 1] → [0, 1]; t1 = [0, 2] → [0, 1]; E = minmax([0.5, 3]) = [0, 1]
    expect(plain(methodMaps(evidence, 2, 2, ['dexar-unfiltered'], opts)['dexar-unfiltered'])).toEqual({ tokens: [[0, 1], [0, 1]], sentence: [0, 1], weights: [2, 2] });
  });
  it('attention: the raw rows, a min-maxed sum, image mass as weights', () => {
    const m = plain(methodMaps(evidence, 2, 2, ['attention'], opts).attention);
    expect(m.tokens).toEqual([[0.2, 0.1], [0.3, 0.4]]);
    expect(m.sentence).toEqual([0.5, 0.5]); // constant Σ = [0.5, 0.5] is left as is
    expect(m.weights[0]).toBeCloseTo(0.3, 12);
    expect(m.weights[1]).toBeCloseTo(0.7, 12);
  });
  it('random: seeded, in [0, 1), different per seed', () => {
    const a = methodMaps(evidence, 2, 2, ['random'], opts).random;
    const b = methodMaps(evidence, 2, 2, ['random'], opts).random;
    const c = methodMaps(evidence, 2, 2, ['random'], { ...opts, randomSeed: 8 }).random;
    expect(plain(a)).toEqual(plain(b));
    expect(plain(a)).not.toEqual(plain(c));
    for (const v of [...(a?.sentenceMap ?? []), ...(a?.tokenWeights ?? []), ...(a?.tokenMaps.flatMap((t) => [...t]) ?? [])]) expect(v >= 0 && v < 1).toBe(true);
    expect(a?.tokenMaps).toHaveLength(2);
  });
});

describe('evaluation/parseMethods', () => {
  it('accepts a comma list, drops repeats, refuses unknown names', () => {
    expect(parseMethods('attention, dexar,attention')).toEqual(['attention', 'dexar']);
    expect(parseMethods(METHODS.join(','))).toEqual([...METHODS]);
    expect(() => parseMethods('dexar,gradcam')).toThrow(/found "dexar,gradcam"/);
    expect(() => parseMethods('')).toThrow(RangeError);
  });
});

describe('evaluation/questionSeed', () => {
  it('depends on the run seed and the question id only', () => {
    expect(questionSeed(0, 'q1')).toBe(questionSeed(0, 'q1'));
    expect(questionSeed(0, 'q1')).not.toBe(questionSeed(1, 'q1'));
    expect(questionSeed(0, 'q1')).not.toBe(questionSeed(0, 'q2'));
  });
});
