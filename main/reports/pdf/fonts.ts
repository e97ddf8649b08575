/**
 * DejaVu fonts embedded in every report: real Unicode text (δ, curly quotes, non-Latin prompts)
 * that stays selectable and searchable, and the same glyph metrics on every machine.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Doc } from './layout';

export const FONT = { regular: 'dexar-sans', bold: 'dexar-sans-bold', mono: 'dexar-mono' } as const;

function fontDir(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

export function registerFonts(doc: Doc): void {
  const dir = fontDir();
  doc.registerFont(FONT.regular, join(dir, 'DejaVuSans.ttf'));
  doc.registerFont(FONT.bold, join(dir, 'DejaVuSans-Bold.ttf'));
  doc.registerFont(FONT.mono, join(dir, 'DejaVuSansMono.ttf'));
}
