import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../main/store/canonical-json';

describe('store/canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('drops undefined members and refuses values JSON cannot carry', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ temperature: Number.NaN })).toThrow('$.temperature is NaN; expected a finite number');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('$.f is a function');
  });
});
