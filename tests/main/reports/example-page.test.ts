/**
 * The example page: a realistic case must fit on one page with every section present. With
 * DEXAR_WRITE_EXAMPLE=1 the rendered page is also written to docs/report-example-page.png.
 */
import { copyFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReportPdf } from '../../../main/reports';
import { exampleCase } from './example-case';
import { meta } from './fixtures';
import { PdfScratch } from './pdf-tools';

const scratch = new PdfScratch();
afterAll(() => scratch.dispose());

describe('reports/renderReportPdf example page', () => {
  it('fits a full case (image, legend, answer, five thumbnails, three findings, metrics) on one page', async () => {
    const path = scratch.write('example.pdf', await renderReportPdf(meta(), [await exampleCase()]));
    expect(scratch.pageCount(path)).toBe(2);
    const text = scratch.text(path).replace(/\s+/g, ' ');
    for (const expected of ['The circle is orange and sits at the top right of the image.', 'Spurious correlation', 'SNR map', '“right” δ 0.440', 'Name badge of a lab member']) expect(text).toContain(expected);
    const [, page] = scratch.renderPages(path, 'example', 110);
    const { width, height } = await sharp(page!).metadata();
    expect([width, height]).toEqual([910, 1287]);
    if (process.env.DEXAR_WRITE_EXAMPLE === '1') copyFileSync(page!, 'docs/report-example-page.png');
  });
});
