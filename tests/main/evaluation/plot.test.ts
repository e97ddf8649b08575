import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { linePlotSvg, writeLinePlotPng, type LinePlot } from '../../../main/evaluation/plot';

const plot: LinePlot = {
  title: 'Positive <perturbation>',
  xLabel: 'patches removed (%)',
  yLabel: 'PPL_p / PPL_0',
  x: [0, 10, 20],
  series: [
    { name: 'dexar', y: [1, 1.5, 2] },
    { name: 'random', y: [1, 1.1, Number.NaN] },
  ],
};

describe('evaluation/linePlotSvg', () => {
  it('draws one polyline per series (skipping non-finite points), a legend entry each, escaped text', () => {
    const svg = linePlotSvg(plot);
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => (m[1] ?? '').split(' ').length);
    expect(polylines).toEqual([3, 2]);
    expect(svg).toContain('>dexar</text>');
    expect(svg).toContain('>random</text>');
    expect(svg).toContain('Positive &lt;perturbation&gt;');
  });
  it('labels a log axis when the curves span more than 20×', () => {
    expect(linePlotSvg({ ...plot, series: [{ name: 'dexar', y: [1, 30, 300] }] })).toContain('PPL_p / PPL_0 (log scale)');
    expect(linePlotSvg(plot)).not.toContain('log scale');
  });
  it('rasterises to a PNG of the SVG size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dexar-plot-'));
    try {
      await writeLinePlotPng(plot, join(dir, 'p.png'));
      const meta = await sharp(join(dir, 'p.png')).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 720, 420]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
