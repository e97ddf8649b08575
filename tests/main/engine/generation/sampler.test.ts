import { describe, expect, it } from 'vitest';
import { Sampler, seededRandom, softmax, topIndices } from '../../../../main/engine/generation/sampler';
import { shouldStop } from '../../../../main/engine/generation/stopping';

describe('main/engine/generation/sampler', () => {
  it('softmax and top-k by hand', () => {
    const p = softmax([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(topIndices([0.1, 0.5, 0.2, 0.5, 0.05], 3)).toEqual([1, 3, 2]);
  });

  it('greedy takes the argmax and reports the top 5 with probabilities', () => {
    const c = new Sampler().choose([1, 3, 2, 0, -1, 2.5]);
    expect(c.id).toBe(1);
    expect(c.top.map((a) => a.id)).toEqual([1, 5, 2, 0, 3]);
    expect(c.top.reduce((s, a) => s + a.prob, 0)).toBeLessThan(1);
  });

  it('a seed repeats a draw exactly; top-p keeps only the nucleus', () => {
    const logits = [2, 1.9, 1.8, -5, -5, -5];
    const draw = (seed: number, topP: number) => {
      const s = new Sampler({ strategy: 'sample', temperature: 1, topP, seed });
      return Array.from({ length: 200 }, () => s.choose(logits).id);
    };
    expect(draw(7, 1)).toEqual(draw(7, 1));
    expect(draw(7, 1)).not.toEqual(draw(8, 1));
    // p ≈ [0.367, 0.332, 0.301, ...]: top-p 0.5 keeps the first two tokens only.
    expect(new Set(draw(3, 0.5))).toEqual(new Set([0, 1]));
    expect(new Set(draw(3, 1)).has(2)).toBe(true);
    expect(seededRandom(1)()).toBeGreaterThanOrEqual(0);
  });

  it('low temperature approaches greedy; bad settings are refused', () => {
    const s = new Sampler({ strategy: 'sample', temperature: 0.01, topP: 1, seed: 1 });
    expect(Array.from({ length: 50 }, () => s.choose([1, 1.5, 0]).id).every((id) => id === 1)).toBe(true);
    expect(() => new Sampler({ strategy: 'sample', temperature: 0, topP: 1, seed: 0 })).toThrow(/temperature: expected > 0, found 0/);
    expect(() => new Sampler({ strategy: 'sample', temperature: 1, topP: 1.5, seed: 0 })).toThrow(/top_p/);
  });
});

describe('main/engine/generation/shouldStop', () => {
  const base = { maxNewTokens: 3, stopTokens: [2], maxPositions: 10 };
  it('stops on stop tokens, max new tokens, a full context and cancellation', () => {
    expect(shouldStop(base, 1, 5, 7)).toBeNull();
    expect(shouldStop(base, 1, 5, 2)).toBe('stop-token');
    expect(shouldStop(base, 3, 5, 7)).toBe('max-new-tokens');
    expect(shouldStop(base, 1, 10, 7)).toBe('context-full');
    const ac = new AbortController();
    ac.abort();
    expect(shouldStop({ ...base, signal: ac.signal }, 0, 5, null)).toBe('cancelled');
  });
});
