import { describe, expect, it } from 'vitest';
import { mean, median } from '../../shared/stats';

describe('shared/stats mean, median', () => {
  it('handle empty, odd and even inputs', () => {
    expect(mean([])).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
