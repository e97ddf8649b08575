/** Page geometry and the small drawing helpers every report page shares. */
import type PDFDocument from 'pdfkit';
import { FONT } from './fonts';

export type Doc = InstanceType<typeof PDFDocument>;

export const PAGE = { size: 'A4' as const, margin: 40 };
export const INK = { text: '#1a1a1a', muted: '#5c5c5c', rule: '#c8c8c8', accent: '#d9480f' } as const;

export function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

export function bottomLimit(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

/** Starts a new page when fewer than `height` points are left. */
export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottomLimit(doc)) doc.addPage();
}

export function heading(doc: Doc, text: string, note?: string): void {
  ensureSpace(doc, 40);
  doc.moveDown(0.6);
  const x = doc.page.margins.left;
  const y = doc.y;
  doc.font(FONT.bold).fontSize(10.5).fillColor(INK.text).text(text, x, y, { lineBreak: false });
  if (note !== undefined) {
    const after = x + doc.widthOfString(text) + 10;
    doc.font(FONT.regular).fontSize(8.5).fillColor(INK.muted).text(note, after, y + 1.5, { lineBreak: false });
  }
  doc.x = x;
  doc.y = y + 16;
  doc.font(FONT.regular).fontSize(10).fillColor(INK.text);
}

/**
 * The running footer, drawn on each new page. The bottom margin is lifted while it is written,
 * otherwise pdfkit would treat text below the margin as overflow and open another page.
 */
export function drawFooter(doc: Doc, text: string, pageNumber: number): void {
  const { x, y } = doc;
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  doc.font(FONT.regular).fontSize(7.5).fillColor(INK.muted);
  doc.text(`${text} · page ${pageNumber}`, doc.page.margins.left, doc.page.height - 28, { width: contentWidth(doc), align: 'center', lineBreak: false });
  doc.page.margins.bottom = bottom;
  doc.x = x;
  doc.y = y;
  doc.fillColor(INK.text);
}
