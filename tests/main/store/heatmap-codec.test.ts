import { describe, expect, it } from 'vitest';
import { decodeGrid, encodeGrid } from '../../../main/store/heatmap-codec';

describe('store/heatmap-codec', () => {
  it('stores float32 little-endian and round-trips fp32 values exactly', () => {
    const values = Float32Array.from([0, 1, 0.1, 1e-7, 0.999999]);
    const blob = encodeGrid(values, 1, 5, 'map');
    expect(blob.length).toBe(20);
    expect(blob.readFloatLE(8)).toBe(values[2]);
    expect(blob.subarray(4, 8)).toEqual(Buffer.from([0x00, 0x00, 0x80, 0x3f]));
    expect(decodeGrid(blob)).toEqual(Array.from(values));
  });

  it('decodes from an unaligned view', () => {
    const blob = Buffer.concat([Buffer.from([9]), encodeGrid([0.5, 0.25], 1, 2, 'map')]).subarray(1);
    expect(decodeGrid(blob)).toEqual([0.5, 0.25]);
  });

  it('refuses wrong sizes and non-finite values', () => {
    expect(() => encodeGrid([1, 2, 3], 2, 2, 'token 3 map')).toThrow('token 3 map: expected gh·gw = 2·2 = 4 values, found 3');
    expect(() => encodeGrid([1, Number.POSITIVE_INFINITY], 1, 2, 'm')).toThrow('m: value 1 is Infinity');
  });
});
