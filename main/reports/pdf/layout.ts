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

/** Points a heading takes: the gap above it and its own line. */
const HEADING_GAP_LINES = 0.6;
const HEADING_LINE = 16;

/**
 * A section heading. `keepWith` is how many points of what follows must fit under it on the same
 * page (the first item of the section), so a heading never ends a page alone.
 */
export function heading(doc: Doc, text: string, note?: string, keepWith = 17): void {
  ensureSpace(doc, HEADING_GAP_LINES * doc.currentLineHeight(true) + HEADING_LINE + keepWith);
  doc.moveDown(HEADING_GAP_LINES);
  const x = doc.page.margins.left;
  const y = doc.y;
  doc.font(FONT.bold).fontSize(10.5).fillColor(INK.text).text(text, x, y, { lineBreak: false });
  if (note !== undefined) {
    const after = x + doc.widthOfString(text) + 10;
    doc.font(FONT.regular).fontSize(8.5).fillColor(INK.muted).text(note, after, y + 1.5, { lineBreak: false });
  }
  doc.x = x;
  doc.y = y + HEADING_LINE;
  doc.font(FONT.regular).fontSize(10).fillColor(INK.text);
}

/** `text` cut with an ellipsis to fit `width` points on one line in the current font. */
export function fitLine(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  // The longest prefix that fits with the ellipsis (width grows with length: binary search).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${text.slice(0, mid).trimEnd()}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo).trimEnd()}…`;
}

/** What each page shows in its margins, recorded while pages are added and drawn at the end. */
export interface PageMarks {
  /** The case the page belongs to (null: the cover). */
  caseTitle: string | null;
  /** True on a case's first page; later pages get a "(continued)" header. */
  first: boolean;
}

/**
 * Headers and footers, drawn once every page exists (pdfkit `bufferPages`) so the footer can say
 * "page i of N" and drawing in the margins never disturbs the text flow of a page being filled.
 * The bottom margin is lifted while writing: pdfkit treats text below it as overflow.
 */
export function drawPageMarks(doc: Doc, marks: readonly PageMarks[], footer: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const mark = marks[i - range.start];
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(FONT.regular).fontSize(7.5).fillColor(INK.muted);
    // One line each, whatever the title's length: a wrapped footer would spill onto new pages.
    const page = ` · page ${i - range.start + 1} of ${range.count}`;
    const width = contentWidth(doc);
    doc.text(fitLine(doc, footer, width - doc.widthOfString(page)) + page, doc.page.margins.left, doc.page.height - 28, { width, align: 'center', lineBreak: false });
    if (mark?.caseTitle && !mark.first) doc.text(fitLine(doc, `${mark.caseTitle} (continued)`, width), doc.page.margins.left, 20, { width, lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
