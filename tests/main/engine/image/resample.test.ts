import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resizeRgb, type Interpolation } from '../../../../main/engine/image/resample';

// Pillow's own output for every filter (make_cases.py writes it).
const DOC = JSON.parse(readFileSync(new URL('./resample-cases.json', import.meta.url), 'utf8')) as {
  width: number;
  height: number;
  data: number[];
  cases: { filter: Interpolation; width: number; height: number; data: number[] }[];
};

describe('main/engine/image/resizeRgb', () => {
  it('equals Pillow byte for byte (down, up and mixed scales, every filter)', () => {
    const src = { width: DOC.width, height: DOC.height, data: Uint8Array.from(DOC.data) };
    for (const c of DOC.cases) {
      const out = resizeRgb(src, c.width, c.height, c.filter);
      expect([out.width, out.height]).toEqual([c.width, c.height]);
      const diff = Array.from(out.data).findIndex((v, i) => v !== c.data[i]);
      expect(diff, `${c.filter} ${c.width}×${c.height}: first differing byte`).toBe(-1);
    }
  });
});
