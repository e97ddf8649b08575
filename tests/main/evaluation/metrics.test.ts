import { describe, expect, it } from 'vitest';
import {
  argmax,
  exactMatch,
  normalisedPerplexityAuc,
  normaliseAnswer,
  patchesToRemove,
  perplexity,
  pointingGameHit,
  pointingGameScore,
  snrMap,
  snrTokens,
  softIoU,
} from '../../../main/evaluation/metrics';

describe('evaluation/softIoU', () => {
  it('matches a hand computation', () => {
    // min: 0 + 0.5 + 0 + 0.2 = 0.7 ; max: 1 + 1 + 0.3 + 1 = 3.3
    expect(softIoU([0, 0.5, 0.3, 0.2], [1, 1, 0, 1])).toBeCloseTo(0.7 / 3.3, 12);
    expect(softIoU([0, 1, 1, 0], [0, 1, 1, 0])).toBe(1);
    expect(softIoU([0, 0], [0, 0])).toBe(0);
  });
  it('refuses maps at another resolution', () => {
    expect(() => softIoU([0, 1], [1])).toThrow(/resample the map/);
  });
});

describe('evaluation/pointingGameHit', () => {
  it('hits when the maximum is inside the mask, first maximum on ties', () => {
    expect(pointingGameHit([0.1, 0.9, 0.2], [0, 1, 0])).toBe(true);
    expect(pointingGameHit([0.1, 0.9, 0.2], [1, 0, 1])).toBe(false);
    expect(argmax([0.5, 0.9, 0.9])).toBe(1);
    expect(pointingGameHit([0.5, 0.9, 0.9], [0, 0, 1])).toBe(false);
  });
});

describe('evaluation/snrMap', () => {
  it('is mean inside over mean outside', () => {
    // inside: (0.8 + 0.6)/2 = 0.7 ; outside: (0.1 + 0.3)/2 = 0.2
    expect(snrMap([0.8, 0.1, 0.6, 0.3], [1, 0, 1, 0])).toBeCloseTo(3.5, 12);
  });
  it('is +∞ for a perfectly clean map and NaN when undefined', () => {
    expect(snrMap([1, 0], [1, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(snrMap([0, 0], [1, 0])).toBeNaN();
    expect(snrMap([1, 1], [1, 1])).toBeNaN();
  });
});

describe('evaluation/snrTokens', () => {
  it('is mean δ of grounded over linguistic tokens', () => {
    // grounded: (0.6 + 0.4)/2 = 0.5 ; linguistic: (0.1 + 0 + 0.2)/3 = 0.1
    expect(snrTokens([0.1, 0.6, 0, 0.4, 0.2], [false, true, false, true, false])).toBeCloseTo(5, 12);
    expect(snrTokens([0.3], [true])).toBeNaN();
  });
});

describe('evaluation/patchesToRemove', () => {
  const scores = [0.2, 0.9, 0.1, 0.9, 0.5];
  it('removes the most relevant patches first (positive), ties by index', () => {
    expect(patchesToRemove(scores, 0, 'positive')).toEqual([]);
    expect(patchesToRemove(scores, 40, 'positive')).toEqual([1, 3]);
    expect(patchesToRemove(scores, 60, 'positive')).toEqual([1, 3, 4]);
  });
  it('removes the least relevant first (negative)', () => {
    expect(patchesToRemove(scores, 40, 'negative')).toEqual([2, 0]);
    expect(() => patchesToRemove(scores, 120, 'negative')).toThrow(RangeError);
  });
});

describe('evaluation/perplexity and normalisedPerplexityAuc', () => {
  it('computes perplexity from log-probabilities', () => {
    expect(perplexity([Math.log(0.5), Math.log(0.5)])).toBeCloseTo(2, 12);
    expect(perplexity([Math.log(0.25), Math.log(1)])).toBeCloseTo(2, 12);
  });
  it('integrates PPL_p / PPL_0 over p in fractions by trapezoids', () => {
    // Ratios 1, 2, 3 at p = 0, 10, 20 → 0.1·(1+2)/2 + 0.1·(2+3)/2 = 0.4
    expect(normalisedPerplexityAuc([0, 10, 20], [4, 8, 12])).toBeCloseTo(0.4, 12);
    // A flat curve over 0…90 has area 0.9.
    expect(normalisedPerplexityAuc([0, 10, 20, 30, 40, 50, 60, 70, 80, 90], new Array(10).fill(7))).toBeCloseTo(0.9, 12);
    expect(() => normalisedPerplexityAuc([10, 20], [1, 2])).toThrow(/start at p = 0/);
  });
});

describe('evaluation/exactMatch', () => {
  it('compares normalised answers', () => {
    expect(normaliseAnswer('  The Circle is  RED. ')).toBe('the circle is red');
    expect(exactMatch('There are two stars.', 'there are two stars')).toBe(true);
    expect(exactMatch('There are two stars.', 'There are three stars.')).toBe(false);
  });
});

describe('evaluation/pointingGameScore', () => {
  it('is 1 or 0 for a unique maximum', () => {
    expect(pointingGameScore([0.1, 0.9, 0.2], [0, 1, 0])).toBe(1);
    expect(pointingGameScore([0.1, 0.9, 0.2], [1, 0, 1])).toBe(0);
  });
  it('counts the share of tied maxima inside the mask (a flat map scores the mask area)', () => {
    expect(pointingGameScore([1, 1, 0, 1], [1, 0, 0, 1])).toBeCloseTo(2 / 3, 12);
    expect(pointingGameScore([0, 0, 0, 0], [1, 0, 0, 0])).toBe(0.25);
  });
});
