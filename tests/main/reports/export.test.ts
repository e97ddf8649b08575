import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as reportCommand } from '../../../main/cli/commands/report';
import { exportReport } from '../../../main/reports/export';
import { HEIGHT, MODEL_SHA, WIDTH } from './fixtures';
import { PdfScratch } from './pdf-tools';
import { StoreFixture } from './store-fixture';

let store: StoreFixture;
let scratch: PdfScratch;
beforeEach(async () => {
  store = await new StoreFixture().init();
  scratch = new PdfScratch();
});
afterEach(() => {
  store.dispose();
  scratch.dispose();
});

describe('reports/exportReport', () => {
  it('writes a gallery PDF, reports progress and logs the export with its sha256', async () => {
    const a = store.saveRun('What color is the circle?');
    const b = store.saveRun('Where is the circle?');
    store.project.addAnnotation({ runId: a, tag: 'wrong-attribute', severity: 'high', regions: [{ shape: 'box', x: 10, y: 10, width: 40, height: 40 }], sensitive: true });
    const galleryId = store.project.createGallery('circles', { promptText: 'circle' });
    const out = join(scratch.dir, 'gallery.pdf');
    const progress: number[] = [];
    const result = await exportReport(store.project, { source: { galleryId }, format: 'pdf', out, projectName: 'audit', date: new Date('2026-11-26T21:00:00Z'), onProgress: (p) => progress.push(p.done) });
    expect(result.runIds.sort()).toEqual([a, b].sort());
    expect(progress).toEqual([1, 2]);
    expect(scratch.pageCount(out)).toBe(3);
    expect(scratch.text(out)).toContain('Gallery “circles”');
    const bytes = readFileSync(out);
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const [logged] = store.project.listReportExports();
    expect(logged).toMatchObject({ format: 'pdf', path: out, galleryId, redacted: true, sha256: result.sha256 });
    // No temp file left next to the report.
    expect(readdirSync(scratch.dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('puts several runs side by side as a comparison, in the order given, shaded on one δ scale', async () => {
    const a = store.saveRun('What color is the circle?');
    const b = store.saveRun('Where is the circle?', { deltas: [0, 0.3, 0, 0.4, 0], settings: { layers: '1-2', topK: 1 } });
    const out = join(scratch.dir, 'compare.pdf');
    const result = await exportReport(store.project, { source: { runIds: [b, a] }, format: 'pdf', out, projectName: 'audit' });
    expect(result.runIds).toEqual([b, a]);
    // Cover, the side-by-side page, then each run's own page.
    expect(scratch.pageCount(out)).toBe(4);
    expect(scratch.text(out)).toContain(`Comparison of runs ${b}, ${a}`);
    const side = scratch.text(out, 2);
    expect(side).toContain('Side by side');
    expect(side).toContain('answers shaded on one δ scale for all 2 runs (max 0.800)');
    expect(side).toContain('Settings that differ between the runs: layers.');
    expect(side).toMatch(/layers 1-2[\s\S]*layers 2-3/);
    expect(side.indexOf('Where is the circle?')).toBeLessThan(side.indexOf('What color is the circle?'));
    expect(side).toContain('The circle is orange.');
    // The runs' own pages keep the shared scale and say what their own peak is.
    expect(scratch.text(out, 3)).toContain('shading = δ on one scale for all runs compared (max 0.800; this run 0.400)');
    expect(scratch.text(out, 4)).toContain('(max 0.800; this run 0.800)');
  });

  it('shades a single run and a gallery on their own δ scale, with no side-by-side page', async () => {
    store.saveRun('What color is the circle?', { deltas: [0, 0.3, 0, 0.4, 0] });
    const b = store.saveRun('Where is the circle?');
    const out = join(scratch.dir, 'one.pdf');
    await exportReport(store.project, { source: { runId: b }, format: 'pdf', out, projectName: 'audit' });
    expect(scratch.pageCount(out)).toBe(2);
    expect(scratch.text(out)).toContain('shading = δ (max 0.800)');
    const galleryId = store.project.createGallery('all', {});
    await exportReport(store.project, { source: { galleryId }, format: 'pdf', out, projectName: 'audit' });
    const text = scratch.text(out);
    expect(text).not.toContain('Side by side');
    expect(text).toContain('shading = δ (max 0.400)');
  });

  it('writes one run as a full-resolution PNG and refuses a multi-run PNG', async () => {
    const a = store.saveRun('What color is the circle?');
    store.saveRun('Where is the circle?');
    const out = join(scratch.dir, 'run.png');
    await exportReport(store.project, { source: { runId: a }, format: 'png', out, projectName: 'audit' });
    const { width, height } = await sharp(out).metadata();
    expect([width, height]).toEqual([WIDTH, HEIGHT]);
    const galleryId = store.project.createGallery('all', {});
    await expect(exportReport(store.project, { source: { galleryId }, format: 'png', out: join(scratch.dir, 'x.png'), projectName: 'audit' })).rejects.toThrow(/PNG export holds one run; gallery \d+ holds 2/);
    expect(existsSync(join(scratch.dir, 'x.png'))).toBe(false);
  });

  it('refuses a destination in a missing folder or on a folder before rendering, naming the file asked for', async () => {
    const a = store.saveRun('What color is the circle?');
    const missing = join(scratch.dir, 'no-such-folder', 'r.pdf');
    const progress: number[] = [];
    const attempt = exportReport(store.project, { source: { runId: a }, format: 'pdf', out: missing, projectName: 'audit', onProgress: (p) => progress.push(p.done) });
    await expect(attempt).rejects.toThrow(`cannot write ${missing}: the folder ${join(scratch.dir, 'no-such-folder')} does not exist`);
    await expect(exportReport(store.project, { source: { runId: a }, format: 'pdf', out: scratch.dir, projectName: 'audit' })).rejects.toThrow(`cannot write ${scratch.dir}: it is a folder`);
    expect(progress).toEqual([]);
    expect(store.project.listReportExports()).toEqual([]);
  });
});

describe('cli/report', () => {
  it('exports a run from the command line with a fixed date, reproducibly', async () => {
    const runId = store.saveRun('What color is the circle?');
    store.project.checkpoint();
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      for (const name of ['one.pdf', 'two.pdf']) {
        await reportCommand(['--project', store.path, '--run', String(runId), '--format', 'pdf', '--out', join(scratch.dir, name), '--date', '2026-11-26T21:00:00Z']);
      }
      expect(String(stdout.mock.calls[0]?.[0])).toMatch(/^PDF report of run \d+ written to .*one\.pdf/);
    } finally {
      stdout.mockRestore();
    }
    expect(readFileSync(join(scratch.dir, 'one.pdf')).equals(readFileSync(join(scratch.dir, 'two.pdf')))).toBe(true);
    expect(scratch.text(join(scratch.dir, 'one.pdf'))).toContain(MODEL_SHA);
    await expect(reportCommand(['--project', store.path, '--run', '1', '--gallery', '1', '--out', 'x.pdf'])).rejects.toThrow(/give --run ID \(one or more\) or --gallery ID, not both/);
    await expect(reportCommand(['--project', store.path, '--run', '1', '--format', 'svg', '--out', 'x.svg'])).rejects.toThrow(/--format expects pdf or png/);
    await expect(reportCommand(['--project', store.path, '--out', 'x.pdf'])).rejects.toThrow(/^give --run ID \(one or more\) or --gallery ID$/);
    await expect(reportCommand(['--project', store.path, '--gallery', '1', '--format', 'png', '--out', 'x.png'])).rejects.toThrow(/--format png exports one run/);
    await expect(reportCommand(['--project', store.path, '--run', '1', '--format', 'pdf', '--out', 'x.png'])).rejects.toThrow(/a PDF file should end in \.pdf/);
    await expect(reportCommand(['--project', join(scratch.dir, 'none.dexar'), '--run', '1', '--out', 'x.pdf'])).rejects.toThrow(/project file .*none\.dexar does not exist/);
  });
});
