/**
 * The answer as a run of tokens, each shaded by its δ (relative to the answer's largest δ) and
 * grounded tokens underlined. Every token is real text placed at its own position, so the answer
 * stays selectable and searchable while carrying the shading.
 */
import type { ParsedReportCase } from '../types';
import { FONT } from './fonts';
import { bottomLimit, contentWidth, INK, type Doc } from './layout';

const SIZE = 11;
const LINE = 17;
/** Opacity of the accent behind the token with the largest δ; δ = 0 gets none. */
const MAX_SHADE = 0.8;

export function maxDelta(tokens: ParsedReportCase['tokens']): number {
  return tokens.reduce((m, t) => Math.max(m, t.delta), 0);
}

export function drawAnswer(doc: Doc, c: Pick<ParsedReportCase, 'tokens' | 'pieces'>): void {
  const { tokens, pieces } = c;
  const left = doc.page.margins.left;
  const right = left + contentWidth(doc);
  const peak = maxDelta(tokens);
  doc.font(FONT.regular).fontSize(SIZE);
  let x = left;
  let y = doc.y;
  const newLine = () => {
    x = left;
    y += LINE;
    if (y + LINE > bottomLimit(doc)) {
      doc.addPage();
      y = doc.y;
    }
  };
  tokens.forEach((token, t) => {
    const lines = (pieces[t] as string).split('\n');
    lines.forEach((segment, i) => {
      if (i > 0) newLine();
      const body = segment.trimStart();
      const lead = doc.widthOfString(segment.slice(0, segment.length - body.length).replace(/\t/g, '  '));
      const width = doc.widthOfString(body);
      if (x > left && x + lead + width > right) newLine();
      else x += lead;
      if (body.length === 0) return;
      const shade = peak > 0 ? token.delta / peak : 0;
      if (shade > 0) doc.save().rect(x - 1, y - 2, width + 2, SIZE + 4).fillOpacity(MAX_SHADE * shade).fill(INK.accent).restore();
      doc.fillColor(INK.text).text(body, x, y, { lineBreak: false, underline: token.grounded });
      x += width;
    });
  });
  doc.x = left;
  doc.y = y + LINE;
}
