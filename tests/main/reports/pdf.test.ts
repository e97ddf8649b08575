import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DexarError } from '../../../shared/api/envelope';
import { renderReportPdf } from '../../../main/reports';
import type { ReportCase } from '../../../main/reports/types';
import { HEIGHT, makeCase, meta, MODEL_SHA, rawRgb, SECRET, WIDTH } from './fixtures';
import { PdfScratch } from './pdf-tools';

let scratch: PdfScratch;
let cases: ReportCase[];
let pdf: Buffer;

beforeAll(async () => {
  scratch = new PdfScratch();
  cases = [await makeCase(), await makeCase({ title: 'Run 13', prompt: 'Where is the red circle?' }), await makeCase({ title: 'Run 14', sensitive: false })];
  pdf = await renderReportPdf(meta(), cases);
});
afterAll(() => scratch.dispose());

/** Standard deviation of the red channel over a rectangle of a raw RGB image. */
function redStd(img: { data: Buffer; width: number }, x0: number, y0: number, x1: number, y1: number): number {
  const values: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) values.push(img.data[(y * img.width + x) * 3] as number);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

describe('reports/renderReportPdf', () => {
  it('holds the prompt, answer, tags, notes and model hash as real text', () => {
    const text = scratch.text(scratch.write('report.pdf', pdf)).replace(/\s+/g, ' ');
    expect(text).toContain('What color is the circle?');
    expect(text).toContain('Where is the red circle?');
    // Word-level tokens carry no spaces: the case's answer puts them back; `</s>` is set off.
    expect(text).toContain('The circle is orange. </s>');
    expect(text).toContain('wrong-attribute');
    expect(text).toContain('Wrong attribute');
    expect(text).toContain('The circle is red; the model says orange although it looks at the circle.');
    expect(text).toContain(MODEL_SHA);
    expect(text).toContain('Shapes audit');
    expect(text).toContain('2026-11-26 21:00 UTC');
    expect(text).toContain('δ 0.830');
    expect(text).toContain('soft-IoU');
    expect(text).toContain('page 4 of 4');
    // Contents lines end with each case's page: cover = 1, cases on 2, 3, 4.
    const layout = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', scratch.write('contents.pdf', pdf), '-'], { encoding: 'utf8' });
    expect(layout).toMatch(/1\. Run 12 .* 2\s*$/m);
    expect(layout).toMatch(/3\. Run 14 .* 4\s*$/m);
  });

  it('renders every page: a cover and one page per case', async () => {
    const path = scratch.write('pages.pdf', pdf);
    expect(scratch.pageCount(path)).toBe(1 + cases.length);
    const pages = scratch.renderPages(path, 'page');
    expect(pages).toHaveLength(1 + cases.length);
    for (const page of pages) {
      const stats = await sharp(page).stats();
      // Not a blank page: some ink on it.
      expect(stats.channels[0]!.min).toBeLessThan(100);
    }
  });

  it('embeds each annotated image at native resolution', async () => {
    const images = scratch.images(scratch.write('images.pdf', pdf), 'img');
    const full = [];
    for (const image of images) {
      const { width, height } = await sharp(image.bytes).metadata();
      if (width === WIDTH && height === HEIGHT) full.push(image);
    }
    expect(full).toHaveLength(cases.length);
  });

  it('blurs sensitive regions in the token thumbnails too', async () => {
    const thumbnails = async (file: string, prefix: string) => {
      const all = scratch.images(scratch.write(file, pdf), prefix);
      const out = [];
      for (const image of all) {
        const raw = await rawRgb(image.bytes);
        if (raw.width === 256 && raw.height === 192) out.push(raw);
      }
      return out;
    };
    const thumbs = await thumbnails('thumbs.pdf', 'thumb');
    // Two grounded tokens per case: cases 1–2 mark the patch sensitive, case 3 does not.
    expect(thumbs).toHaveLength(6);
    const scale = 256 / WIDTH;
    const box = [SECRET.x, SECRET.y, SECRET.x + SECRET.width, SECRET.y + SECRET.height].map((v) => Math.round(v * scale)) as [number, number, number, number];
    const inner = [box[0] + 4, box[1] + 4, box[2] - 4, box[3] - 4] as const;
    for (const t of thumbs.slice(0, 4)) expect(redStd(t, ...inner)).toBeLessThan(15);
    for (const t of thumbs.slice(4)) expect(redStd(t, ...inner)).toBeGreaterThan(60);
  });

  it('gives the same bytes for the same inputs and date', async () => {
    const again = await renderReportPdf(meta(), cases);
    expect(again.equals(pdf)).toBe(true);
    const later = await renderReportPdf(meta(new Date('2026-11-27T09:30:00Z')), cases);
    expect(later.equals(pdf)).toBe(false);
  });

  it('reports progress per case and stops when cancelled', async () => {
    const seen: number[] = [];
    await renderReportPdf(meta(), cases, { onProgress: (p) => seen.push(p.done) });
    expect(seen).toEqual([1, 2, 3]);

    const controller = new AbortController();
    const progress: number[] = [];
    const cancelled = renderReportPdf(meta(), cases, {
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p.done);
        controller.abort();
      },
    });
    await expect(cancelled).rejects.toSatisfy((e) => e instanceof DexarError && e.kind === 'cancelled' && /after 1 of 3 cases/.test(e.message));
    expect(progress).toEqual([1]);

    const aborted = AbortSignal.abort();
    await expect(renderReportPdf(meta(), cases, { signal: aborted })).rejects.toThrow(/cancelled after 0 of 3/);
  });

  it('continues a long case on further pages, each marked with the case and numbered', async () => {
    const c = await makeCase();
    const tokens = Array.from({ length: 400 }, (_, index) => ({ index, text: ` word${index}`, delta: (index % 10) / 10, grounded: index % 10 > 7 }));
    const path = scratch.write('long.pdf', await renderReportPdf(meta(), [{ ...c, tokens, tokenMaps: [] }]));
    const pages = scratch.pageCount(path);
    expect(pages).toBeGreaterThan(2);
    const text = scratch.text(path);
    expect(text).toContain('Run 12 (continued)');
    expect(text).toContain(`page ${pages} of ${pages}`);
    // Every token made it, in order (the findings below quote token 3 again).
    const words = text.slice(0, text.indexOf('Findings')).match(/word\d+/g) ?? [];
    expect(words).toEqual(tokens.map((t) => t.text.trim()));
  });

  it('lays a comparison out two runs to a row, marks a partial run and cuts what a column cannot hold', async () => {
    const c = await makeCase();
    const tokens = Array.from({ length: 90 }, (_, index) => ({ index, text: `word${index}`, delta: (index % 10) / 10, grounded: index % 10 > 7 }));
    const failed = { ...c, title: 'Run 13', status: 'failed' as const, prompt: 'x'.repeat(400), answer: tokens.map((t) => t.text).join(' '), tokens, tokenMaps: [] };
    const path = scratch.write('compare3.pdf', await renderReportPdf({ ...meta(), comparison: true }, [c, failed, { ...c, title: 'Run 14' }]));
    const side = scratch.text(path, 2);
    expect(side).toContain('answers shaded on one δ scale for all 3 runs (max 0.900)');
    expect(side).toContain('Run failed: its answer and maps are partial.');
    expect(side).toContain('… the whole answer is on the run’s own page');
    // The prompt without spaces is cut to the column, not drawn across the page.
    expect(side).toMatch(/x{20,}…/);
    expect(side).not.toMatch(/x{120,}/);
    expect(side).not.toContain('word80');
    // Three runs: the third starts a second row.
    const runs = [2, 3].map((page) => scratch.text(path, page)).join('\n');
    expect(runs.indexOf('Run 12')).toBeLessThan(runs.indexOf('Run 13'));
    expect(runs).toContain('Run 14');
    expect(scratch.renderPages(path, 'compare3').length).toBe(scratch.pageCount(path));
  });

  it("quotes a finding's token span with the answer's spacing", async () => {
    const c = await makeCase();
    const annotations = [{ ...c.annotations[0]!, tokenSpan: { start: 1, end: 4 } }];
    const text = scratch.text(scratch.write('span.pdf', await renderReportPdf(meta(), [{ ...c, annotations }]))).replace(/\s+/g, ' ');
    expect(text).toContain('tokens 1–3 “circle is orange”');
  });

  it('refuses a case whose tokens are out of answer order', async () => {
    const c = await makeCase();
    const tokens = [...c.tokens].reverse();
    await expect(renderReportPdf(meta(), [{ ...c, tokens }])).rejects.toThrow(/tokens\.0\.index.*expected token 0 here/);
  });

  it('keeps footers and continuation headers on one line however long the title is', async () => {
    const c = await makeCase();
    const title = `Run 12: ${'what colour is the very long and winding description of the circle '.repeat(8)}`;
    const long = scratch.write('long-title.pdf', await renderReportPdf({ ...meta(), title }, [{ ...c, title }]));
    const short = scratch.write('short-title.pdf', await renderReportPdf(meta(), [c]));
    expect(scratch.pageCount(long)).toBe(scratch.pageCount(short));
    const footer = scratch.text(long).split('\n').find((line) => line.includes('page 1 of'));
    expect(footer).toMatch(/…\s·\spage 1 of \d+$/);
  });

  it('marks a run that did not complete', async () => {
    const c = await makeCase();
    const text = scratch.text(scratch.write('failed.pdf', await renderReportPdf(meta(), [{ ...c, status: 'failed' }])));
    expect(text).toContain('Run failed: its answer and maps are partial.');
    expect(scratch.text(scratch.write('complete.pdf', await renderReportPdf(meta(), [c])))).not.toContain('partial');
  });

  it('refuses an empty report', async () => {
    await expect(renderReportPdf(meta(), [])).rejects.toThrow(/at least one case/);
  });
});
