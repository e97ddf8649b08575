import { describe, expect, it } from 'vitest';
import { regionToRow, rowToRegion } from '../../../main/store/region-codec';

describe('store/region-codec', () => {
  it('packs brush masks one bit per pixel, MSB first', () => {
    const bits = [1, 0, 0, 0, 0, 0, 0, 1, 1, 1] as (0 | 1)[];
    const row = regionToRow({ shape: 'mask', x: 2, y: 3, width: 5, height: 2, bits });
    expect(row.mask).toEqual(Buffer.from([0x81, 0xc0]));
    expect(rowToRegion(row)).toEqual({ shape: 'mask', x: 2, y: 3, width: 5, height: 2, bits });
  });

  it('refuses a mask whose bit count does not match its box', () => {
    expect(() => regionToRow({ shape: 'mask', x: 0, y: 0, width: 3, height: 3, bits: [1, 0] })).toThrow('expected width·height = 3·3 = 9 bits, found 2');
  });
});
