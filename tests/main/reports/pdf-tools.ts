/** poppler-utils wrappers for the PDF tests (installed here and in CI). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class PdfScratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'dexar-report-'));

  write(name: string, pdf: Buffer): string {
    const path = join(this.dir, name);
    writeFileSync(path, pdf);
    return path;
  }

  /** The text of every page, or of one page (1-based). */
  text(path: string, page?: number): string {
    const pages = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
    return execFileSync('pdftotext', ['-enc', 'UTF-8', ...pages, path, '-'], { encoding: 'utf8' });
  }

  pageCount(path: string): number {
    const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
    const match = /^Pages:\s+(\d+)/m.exec(info);
    if (!match) throw new Error(`pdfinfo printed no page count:\n${info}`);
    return Number(match[1]);
  }

  /** Renders every page to PNG; returns the files in page order. */
  renderPages(path: string, prefix: string, dpi = 30): string[] {
    execFileSync('pdftoppm', ['-r', String(dpi), '-png', path, join(this.dir, prefix)]);
    return readdirSync(this.dir).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.png')).sort().map((f) => join(this.dir, f));
  }

  /** Extracts the embedded images (PNG) in document order. */
  images(path: string, prefix: string): { file: string; bytes: Buffer }[] {
    execFileSync('pdfimages', ['-png', path, join(this.dir, prefix)]);
    return readdirSync(this.dir)
      .filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.png'))
      .sort()
      .map((f) => ({ file: f, bytes: readFileSync(join(this.dir, f)) }));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
