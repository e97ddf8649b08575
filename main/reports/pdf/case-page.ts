/**
 * One case of the report: the annotated image (embedded at native resolution, scaled to fit),
 * its colour scale, the prompt, the answer shaded by δ, the grounded tokens' maps, the analyst's
 * findings and the metrics.
 */
import { FAILURE_TAG_LABELS } from '../../../shared/api/annotations';
import { peakDelta } from '../../../shared/dexar/delta';
import { spanText } from '../../../shared/text/answer-pieces';
import type { RgbImage } from '../../engine/image/resample';
import { annotationColour } from '../annotations-layer';
import { renderThumbnailPng } from '../annotated';
import type { ParsedReportCase } from '../types';
import { drawAnswer } from './answer';
import { FONT } from './fonts';
import { contentWidth, ensureSpace, heading, INK, type Doc } from './layout';
import { drawLegend } from './legend';

/** The annotated image never takes more than this share of the page height. */
const IMAGE_MAX_HEIGHT = 330;
const THUMB = { width: 88, gap: 14, pixels: 256 };

export interface CaseAssets {
  /** Full-resolution annotated PNG. */
  annotatedPng: Buffer;
  /** The redacted image the thumbnails are drawn on. */
  base: RgbImage;
  colourBar: Buffer;
}

/** `sharedPeak`: the δ the answer's shading is relative to when runs are compared (default: its own largest). */
export async function drawCase(doc: Doc, c: ParsedReportCase, position: string, assets: CaseAssets, sharedPeak?: number): Promise<void> {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.page.margins.top;
  doc.font(FONT.bold).fontSize(14).fillColor(INK.text).text(c.title, left, top, { lineBreak: false });
  const titleWidth = doc.widthOfString(c.title);
  doc.font(FONT.regular).fontSize(9).fillColor(INK.muted).text(position, left + titleWidth + 10, top + 4.5, { lineBreak: false });
  doc.text(`${c.image.name} · ${c.image.width}×${c.image.height} px · ${c.provenance.modelName} (sha256 ${c.provenance.modelSha256.slice(0, 12)}…) · ${c.provenance.provider}`, left, top + 20, { width });
  if (c.status !== 'complete') doc.font(FONT.bold).fillColor(INK.accent).text(`Run ${c.status}: its answer and maps are partial.`, left, doc.y, { width });
  doc.moveDown(0.4);

  const scale = Math.min(width / c.image.width, IMAGE_MAX_HEIGHT / c.image.height);
  const w = c.image.width * scale;
  const h = c.image.height * scale;
  const x = left + (width - w) / 2;
  const y = doc.y;
  doc.image(assets.annotatedPng, x, y, { width: w, height: h });
  doc.rect(x, y, w, h).lineWidth(0.5).strokeColor(INK.rule).stroke();
  doc.y = drawLegend(doc, c, assets.colourBar, left, y + h + 6) + 2;
  if (c.annotations.some((a) => a.regions.some((r) => r.sensitive))) {
    doc.font(FONT.regular).fontSize(8).fillColor(INK.accent).text('Regions marked sensitive are blurred; their outlines are dashed.', left, doc.y, { width });
  }

  heading(doc, 'Prompt');
  doc.text(c.prompt, left, doc.y, { width });

  const peak = sharedPeak ?? peakDelta(c.tokens);
  const shading = sharedPeak === undefined ? `shading = δ (max ${peak.toFixed(3)})` : `shading = δ on one scale for all runs compared (max ${peak.toFixed(3)}; this run ${peakDelta(c.tokens).toFixed(3)})`;
  heading(doc, 'Answer', `${shading}, underlined = visually grounded`);
  drawAnswer(doc, c, peak);

  await drawTokenMaps(doc, c, assets.base);
  drawFindings(doc, c);
  drawMetrics(doc, c);
}

async function drawTokenMaps(doc: Doc, c: ParsedReportCase, base: RgbImage): Promise<void> {
  const byIndex = new Map(c.tokens.map((t) => [t.index, t]));
  const maps = c.tokenMaps.filter((m) => byIndex.get(m.tokenIndex)?.grounded);
  if (maps.length === 0) return;
  heading(doc, 'Where the model looked for each grounded token');
  const left = doc.page.margins.left;
  const perRow = Math.max(1, Math.floor((contentWidth(doc) + THUMB.gap) / (THUMB.width + THUMB.gap)));
  const thumbHeight = (THUMB.width * c.image.height) / c.image.width;
  const rowHeight = Math.min(thumbHeight, THUMB.width * 1.5) + 26;
  for (let start = 0; start < maps.length; start += perRow) {
    ensureSpace(doc, rowHeight);
    const top = doc.y;
    const row = maps.slice(start, start + perRow);
    for (const [i, m] of row.entries()) {
      const token = byIndex.get(m.tokenIndex);
      const png = await renderThumbnailPng(c, base, m.values, THUMB.pixels);
      const x = left + i * (THUMB.width + THUMB.gap);
      const fitted = Math.min(thumbHeight, THUMB.width * 1.5);
      doc.image(png, x, top, { fit: [THUMB.width, fitted] });
      doc.font(FONT.regular).fontSize(8).fillColor(INK.text);
      doc.text(`“${(token?.text ?? '').trim()}”  δ ${(token?.delta ?? 0).toFixed(3)}`, x, top + fitted + 3, { width: THUMB.width, lineBreak: false, ellipsis: true });
    }
    doc.x = left;
    doc.y = top + rowHeight;
  }
}

function spanLabel(c: ParsedReportCase, span: { start: number; end: number } | null): string {
  if (!span) return '';
  const text = spanText(c.pieces, span.start, span.end);
  const which = span.end - span.start === 1 ? `token ${span.start}` : `tokens ${span.start}–${span.end - 1}`;
  return ` · ${which} “${text}”`;
}

/** A finding's first line: the tag in bold, then severity, linked tokens and regions. */
function findingTitle(c: ParsedReportCase, a: ParsedReportCase['annotations'][number]): { tag: string; detail: string } {
  const sensitive = a.regions.some((r) => r.sensitive) ? ' · sensitive (redacted)' : '';
  const regions = a.regions.length > 0 ? ` · ${a.regions.length} region${a.regions.length > 1 ? 's' : ''}` : '';
  return { tag: `${FAILURE_TAG_LABELS[a.tag]} [${a.tag}]`, detail: ` · severity ${a.severity}${spanLabel(c, a.tokenSpan)}${regions}${sensitive}` };
}

/** Space under each finding (moveDown 0.35 of a 9.5 pt line, rounded up). */
const FINDING_GAP = 5;

/**
 * Points a finding needs before a page break is acceptable: its title (the bold tag, then the
 * detail in the regular face; it may wrap) and the first line of its notes.
 */
function findingHeadHeight(doc: Doc, c: ParsedReportCase, a: ParsedReportCase['annotations'][number], width: number): number {
  const { tag, detail } = findingTitle(c, a);
  const tagWidth = doc.font(FONT.bold).fontSize(9.5).widthOfString(tag);
  const detailWidth = doc.font(FONT.regular).fontSize(9.5).widthOfString(detail);
  const title = Math.max(1, Math.ceil((tagWidth + detailWidth) / width)) * doc.currentLineHeight(true);
  const notes = a.notes.trim().length > 0 ? doc.font(FONT.regular).fontSize(9.5).currentLineHeight(true) : 0;
  return title + notes + FINDING_GAP;
}

function drawFindings(doc: Doc, c: ParsedReportCase): void {
  const [first] = c.annotations;
  if (!first) return;
  const left = doc.page.margins.left;
  const width = contentWidth(doc) - 16;
  // The heading stays with its first finding: never a lone "Findings (n)" at a page's foot.
  heading(doc, `Findings (${c.annotations.length})`, undefined, findingHeadHeight(doc, c, first, width));
  c.annotations.forEach((a, i) => {
    // A finding's title line stays with the start of its notes.
    ensureSpace(doc, findingHeadHeight(doc, c, a, width));
    const y = doc.y;
    doc.rect(left, y + 2, 9, 9).fillAndStroke(annotationColour(i), '#555555');
    const { tag, detail } = findingTitle(c, a);
    doc.font(FONT.bold).fontSize(9.5).fillColor(INK.text).text(tag, left + 16, y, { width, continued: true });
    doc.font(FONT.regular).fillColor(INK.muted).text(detail);
    if (a.notes.trim().length > 0) doc.font(FONT.regular).fontSize(9.5).fillColor(INK.text).text(a.notes, left + 16, doc.y, { width });
    doc.moveDown(0.35);
  });
}

function drawMetrics(doc: Doc, c: ParsedReportCase): void {
  const entries = Object.entries(c.metrics ?? {});
  if (entries.length === 0) return;
  // Keep a short table with its heading rather than leave a row alone on the next page.
  ensureSpace(doc, 24 + 13 * Math.min(entries.length, 12));
  heading(doc, 'Metrics');
  const left = doc.page.margins.left;
  for (const [name, value] of entries) {
    ensureSpace(doc, 14);
    const y = doc.y;
    doc.font(FONT.regular).fontSize(9.5).fillColor(INK.muted).text(name, left, y, { width: 180, lineBreak: false });
    doc.font(FONT.mono).fillColor(INK.text).text(String(Number(value.toFixed(4))), left + 190, y, { lineBreak: false });
    doc.x = left;
    doc.y = y + 13;
  }
}
