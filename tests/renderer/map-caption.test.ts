import { describe, expect, it } from 'vitest';
import type { RunToken } from '../../shared/api/runs';
import { mapCaption } from '../../renderer/src/map-caption';

const token = (index: number, text: string, delta: number, grounded: boolean): RunToken => ({ index, id: 10 + index, text, delta, grounded, prob: 0.875, top5: [] });
const TOKENS = [token(0, 'The', 0, false), token(1, ' purple', 0.4123, true), token(2, ' is', 0.02, false)];

describe('mapCaption', () => {
  it('names the sentence map and how many tokens weigh in it', () => {
    expect(mapCaption({ kind: 'sentence' }, TOKENS)).toBe('Sentence map · 2 of 3 tokens have δ > 0');
    expect(mapCaption({ kind: 'sentence' }, [])).toBe('Sentence map');
  });

  it('says a δ = 0 token is linguistic and gives a visual token its δ', () => {
    expect(mapCaption({ kind: 'token', index: 0 }, TOKENS)).toBe('Token 0 “The” · p 0.88 · δ 0: linguistic, no weight in the sentence map');
    expect(mapCaption({ kind: 'token', index: 1 }, TOKENS)).toBe('Token 1 “purple” · p 0.88 · δ 0.412 · grounded');
    expect(mapCaption({ kind: 'token', index: 2 }, TOKENS)).toBe('Token 2 “is” · p 0.88 · δ 0.020');
  });

  it('falls back to the index while a selected token has not streamed in', () => {
    expect(mapCaption({ kind: 'token', index: 7 }, TOKENS)).toBe('Token 7');
  });
});
