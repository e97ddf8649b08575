/**
 * The answer as a run of tokens, each shaded by its δ (relative to a peak δ: the answer's own, or
 * one shared by every run of a comparison) and grounded tokens underlined. Every token is real
 * text placed at its own position, so the answer stays selectable and searchable while carrying
 * the shading. Layout and drawing are separate so a comparison column can measure an answer
 * before it commits to a row height.
 */
import { peakDelta } from '../../../shared/dexar/delta';
import type { ParsedReportCase } from '../types';
import { FONT } from './fonts';
import { bottomLimit, contentWidth, INK, type Doc } from './layout';

const ANSWER_TYPE = { size: 11, line: 17 } as const;
/** Opacity of the accent behind the token with the peak δ; δ = 0 gets none. */
const MAX_SHADE = 0.8;

type AnswerInput = Pick<ParsedReportCase, 'tokens' | 'pieces'>;

/** One visible piece of a token on one line: x is absolute, line counts from 0. */
interface PlacedPiece {
  readonly token: ParsedReportCase['tokens'][number];
  readonly text: string;
  readonly x: number;
  readonly width: number;
  readonly line: number;
}

/** Where each token's text goes in a column [left, left + width), wrapping at token boundaries. */
export function layoutAnswer(doc: Doc, c: AnswerInput, left: number, width: number, size: number = ANSWER_TYPE.size): { pieces: PlacedPiece[]; lines: number } {
  const right = left + width;
  doc.font(FONT.regular).fontSize(size);
  const placed: PlacedPiece[] = [];
  let x = left;
  let line = 0;
  const newLine = () => {
    x = left;
    line += 1;
  };
  c.tokens.forEach((token, t) => {
    const lines = (c.pieces[t] as string).split('\n');
    lines.forEach((segment, i) => {
      if (i > 0) newLine();
      const body = segment.trimStart();
      const lead = doc.widthOfString(segment.slice(0, segment.length - body.length).replace(/\t/g, '  '));
      const w = doc.widthOfString(body);
      if (x > left && x + lead + w > right) newLine();
      else x += lead;
      if (body.length === 0) return;
      placed.push({ token, text: body, x, width: w, line });
      x += w;
    });
  });
  return { pieces: placed, lines: line + 1 };
}

/** Draws laid-out pieces with their line `first` at y; pieces on lines ≥ `first + maxLines` are left out. */
export function drawPieces(doc: Doc, pieces: readonly PlacedPiece[], y: number, peak: number, opts: { size?: number; lineHeight?: number; first?: number; maxLines?: number } = {}): void {
  const size = opts.size ?? ANSWER_TYPE.size;
  const lineHeight = opts.lineHeight ?? ANSWER_TYPE.line;
  const first = opts.first ?? 0;
  const last = first + (opts.maxLines ?? Number.POSITIVE_INFINITY);
  doc.font(FONT.regular).fontSize(size);
  for (const p of pieces) {
    if (p.line < first || p.line >= last) continue;
    const top = y + (p.line - first) * lineHeight;
    const shade = peak > 0 ? p.token.delta / peak : 0;
    if (shade > 0) doc.save().rect(p.x - 1, top - 2, p.width + 2, size + 4).fillOpacity(MAX_SHADE * Math.min(1, shade)).fill(INK.accent).restore();
    doc.fillColor(INK.text).text(p.text, p.x, top, { lineBreak: false, underline: p.token.grounded });
  }
}

/** The whole answer across the page width at doc.y, continuing on new pages as needed. */
export function drawAnswer(doc: Doc, c: AnswerInput, peak: number = peakDelta(c.tokens)): void {
  const left = doc.page.margins.left;
  const { pieces, lines } = layoutAnswer(doc, c, left, contentWidth(doc));
  let y = doc.y;
  let line = 0;
  while (line < lines) {
    const fit = Math.max(1, Math.floor((bottomLimit(doc) - y) / ANSWER_TYPE.line));
    drawPieces(doc, pieces, y, peak, { first: line, maxLines: fit });
    line += fit;
    if (line < lines) {
      doc.addPage();
      y = doc.y;
    } else {
      y += (lines - (line - fit)) * ANSWER_TYPE.line;
    }
  }
  doc.x = left;
  doc.y = y;
}
