import { describe, expect, it } from 'vitest';
import { COLORMAP_NAMES, colormapCss, colormapLut } from '../../../shared/heatmap/colormap';
import { DEFAULT_OVERLAY, renderDifference, renderOverlay } from '../../../shared/heatmap/render';

describe('shared/heatmap/colormapLut', () => {
  it('starts and ends on the anchors matplotlib defines', () => {
    const viridis = colormapLut('viridis');
    expect([...viridis.slice(0, 3)]).toEqual([0x44, 0x01, 0x54]);
    expect([...viridis.slice(255 * 3)]).toEqual([0xfd, 0xe7, 0x25]);
    // Between anchors the table interpolates: within one level of the true grey ramp.
    const gray = colormapLut('gray');
    for (let level = 0; level < 256; level++) expect(Math.abs((gray[level * 3] as number) - level)).toBeLessThanOrEqual(1);
  });

  it('is monotone in lightness for the perceptual maps', () => {
    for (const name of COLORMAP_NAMES.filter((n) => n !== 'turbo' && n !== 'puor')) {
      const lut = colormapLut(name);
      const luma = (l: number) => 0.2126 * (lut[l * 3] as number) + 0.7152 * (lut[l * 3 + 1] as number) + 0.0722 * (lut[l * 3 + 2] as number);
      for (let l = 8; l < 256; l += 8) expect(luma(l), `${name} at ${l}`).toBeGreaterThanOrEqual(luma(l - 8) - 1);
    }
  });

  it('gives CSS colours clamped to [0,1]', () => {
    expect(colormapCss('gray', 2)).toBe('rgb(255, 255, 255)');
    expect(colormapCss('gray', -1)).toBe('rgb(0, 0, 0)');
  });
});

describe('shared/heatmap/renderOverlay', () => {
  it('maps values through the colormap with opacity and threshold', () => {
    const px = renderOverlay(new Float32Array([0, 0.5, 1, Number.NaN]), { ...DEFAULT_OVERLAY, colormap: 'gray', opacity: 0.5, threshold: 0.4 });
    expect([...px.slice(0, 4)]).toEqual([0, 0, 0, 0]); // below threshold
    expect([...px.slice(4, 8)]).toEqual([129, 129, 129, 128]); // level 128 of the anchored grey ramp
    expect([...px.slice(8, 12)]).toEqual([255, 255, 255, 128]);
    expect(px[15]).toBe(0); // NaN never paints
  });

  it('scales alpha by value and honours a shared range', () => {
    const px = renderOverlay([2, 4, 6], { ...DEFAULT_OVERLAY, colormap: 'gray', opacity: 1, alphaByValue: true, range: [2, 6] });
    expect([px[3], px[7], px[11]]).toEqual([0, 128, 255]);
    expect([px[4], px[8]]).toEqual([129, 255]);
  });
});

describe('shared/heatmap/renderDifference', () => {
  it('centres zero (transparent) and scales alpha with |difference|', () => {
    const px = renderDifference([-1, 0, 0.5, 1, Number.NaN], 'puor', 1);
    const lut = colormapLut('puor');
    expect([...px.slice(0, 3)]).toEqual([...lut.slice(0, 3)]);
    expect(px[3]).toBe(255);
    expect(px[7]).toBe(0);
    expect(px[11]).toBe(128);
    expect([...px.slice(12, 15)]).toEqual([...lut.slice(255 * 3)]);
    expect(px[19]).toBe(0);
  });
});
