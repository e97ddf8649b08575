import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReportPdf } from '../../../main/reports';
import { makeCase, meta } from './fixtures';
import { PdfScratch } from './pdf-tools';

const scratch = new PdfScratch();
afterAll(() => scratch.dispose());

/** The text of each page (pdftotext separates pages with form feeds). */
function pagesText(pdf: Buffer, name: string): string[] {
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', scratch.write(name, pdf), '-'], { encoding: 'utf8' });
  return text.split('\f').map((page) => page.replace(/\s+/g, ' '));
}

const HEADING = 'Findings (2)';
const FIRST_FINDING = 'Wrong attribute [wrong-attribute]';

describe('reports/pdf/drawFindings', () => {
  // A longer prompt pushes the findings down the case page a line (about 12 pt) at a time. The
  // sweep walks the heading across the page's foot, through the band where the heading alone
  // would still fit but its first finding would not.
  it('keeps the "Findings (n)" heading on the page of its first finding wherever the page ends', async () => {
    const headingPages: number[] = [];
    for (let lines = 6; lines <= 15; lines++) {
      const prompt = ['What color is the circle?', ...Array.from({ length: lines }, (_, i) => `Line ${i + 1} of a long prompt that fills exactly one line of text on the page here and more.`)].join('\n');
      const pdf = await renderReportPdf(meta(), [await makeCase({ prompt })]);
      const pages = pagesText(pdf, `findings-${lines}.pdf`);
      const heading = pages.findIndex((p) => p.includes(HEADING));
      const first = pages.findIndex((p) => p.includes(FIRST_FINDING));
      expect(heading, `prompt of ${lines} extra lines: heading page`).toBeGreaterThan(0);
      expect(first, `prompt of ${lines} extra lines: the heading is on page ${heading + 1}, its first finding on page ${first + 1}`).toBe(heading);
      headingPages.push(heading);
    }
    // The sweep did cross the page's foot: the heading starts on the case's first page, ends on the next.
    expect(headingPages[0]).toBe(1);
    expect(headingPages.at(-1)).toBe(2);
  }, 120_000);
});
