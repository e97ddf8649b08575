import { describe, expect, it } from 'vitest';
import { LOG_SPAN, logTicks, niceTicks, ratioAxis } from '../../../shared/chart/ratio-axis';

describe('shared/chart/niceTicks', () => {
  it('steps by 1, 2 or 5 × 10^k inside the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.95, 2.05)).toEqual([1, 1.5, 2]);
    expect(niceTicks(0, 90)).toEqual([0, 20, 40, 60, 80]);
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
  });
  it('degenerates to one tick for an empty range and none for a non-finite one', () => {
    expect(niceTicks(1, 1)).toEqual([1]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });
});

describe('shared/chart/logTicks', () => {
  it('ticks 1, 2, 5 × 10^k, only powers of ten when crowded', () => {
    expect(logTicks(0.9, 60)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(logTicks(0.5, 5000)).toEqual([1, 10, 100, 1000]);
    expect(logTicks(0, 10)).toEqual([]);
  });
});

describe('shared/chart/ratioAxis', () => {
  it('is linear with 5 % padding and always contains 1', () => {
    const axis = ratioAxis([1.5, 2, Number.NaN]);
    expect(axis.scale).toBe('linear');
    expect(axis.lo).toBeCloseTo(0.95, 12);
    expect(axis.hi).toBeCloseTo(2.05, 12);
    expect(axis.fraction(1)).toBeCloseTo(0.05 / 1.1, 12);
    expect(axis.ticks).toEqual([1, 1.5, 2]);
  });
  it('widens a flat range so the scale stays finite', () => {
    const axis = ratioAxis([1, 1]);
    expect(axis.hi - axis.lo).toBeGreaterThan(0.1);
    expect(axis.fraction(1)).toBeCloseTo(0.5, 12);
  });
  it('turns logarithmic past LOG_SPAN, padded by 5 % in log units', () => {
    expect(ratioAxis([1, LOG_SPAN]).scale).toBe('linear');
    const axis = ratioAxis([1, 10, 1000]);
    expect(axis.scale).toBe('log');
    expect(axis.lo).toBeCloseTo(10 ** -0.15, 12);
    expect(axis.hi).toBeCloseTo(10 ** 3.15, 9);
    expect(axis.fraction(10)).toBeCloseTo(1.15 / 3.3, 12);
    expect(axis.ticks).toEqual([1, 10, 100, 1000]);
  });
});
