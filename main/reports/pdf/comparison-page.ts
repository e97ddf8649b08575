/**
 * A comparison's side-by-side section: the runs in the order given, two to a row, each with its
 * annotated image, model and settings, prompt and answer. Every answer is shaded on one δ scale
 * (the largest δ of all the runs), so the same shade means the same δ in every column; the
 * runs' own pages that follow use that scale too.
 */
import { FAILURE_TAG_LABELS } from '../../../shared/api/annotations';
import { peakDelta } from '../../../shared/dexar/delta';
import { canonicalJson } from '../../store/canonical-json';
import type { ParsedReportCase } from '../types';
import { drawPieces, layoutAnswer } from './answer';
import { FONT } from './fonts';
import { bottomLimit, contentWidth, fitLine, heading, INK, type Doc } from './layout';

const COLUMNS = 2;
const GAP = 18;
const IMAGE_MAX_HEIGHT = 210;
const TYPE = { size: 9.5, line: 14 } as const;
/** A longer answer is cut here; the run's own page has it whole. */
const ANSWER_MAX_LINES = 8;
const PROMPT_MAX_LINES = 3;
/** Heights of a cell's fixed lines, top to bottom (points). */
const ROW = { title: 14, meta: 12, status: 12, imageGap: 4, caption: 16, promptGap: 4, more: 14 } as const;

/** The largest δ over every run compared: the one scale their answers are shaded on. */
export function sharedPeak(cases: readonly ParsedReportCase[]): number {
  return peakDelta(cases.flatMap((c) => c.tokens));
}

/** Settings keys whose values differ between the runs: what the reader should look at first. */
export function differingSettings(cases: readonly ParsedReportCase[]): string[] {
  const keys = [...new Set(cases.flatMap((c) => Object.keys(c.provenance.settings)))].sort();
  return keys.filter((k) => new Set(cases.map((c) => canonicalJson(c.provenance.settings[k] ?? null))).size > 1);
}

/** The differing settings first (the line may be cut at the column's end), then image, model, provider. */
function settingsLine(c: ParsedReportCase, keys: readonly string[]): string {
  const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
  return [...keys.map((k) => `${k} ${value(c.provenance.settings[k])}`), c.image.name, c.provenance.modelName, c.provenance.provider].join(' · ');
}

/** What the image shows: the map drawn on it and the analyst's findings, by tag and severity. */
function captionLine(c: ParsedReportCase): string {
  const findings = c.annotations.map((a) => `${FAILURE_TAG_LABELS[a.tag]} (${a.severity})`);
  const noun = findings.length === 1 ? 'finding' : 'findings';
  return findings.length === 0 ? c.overlay.label : `${c.overlay.label} · ${findings.length} ${noun}: ${findings.join(', ')}`;
}

/** The prompt in at most PROMPT_MAX_LINES lines of the column; any line too long (one long word, a prompt without spaces) is cut with an ellipsis. */
function promptLines(doc: Doc, prompt: string, width: number): string[] {
  doc.font(FONT.regular).fontSize(TYPE.size);
  const words = prompt.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && doc.widthOfString(next) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  const kept = lines.slice(0, PROMPT_MAX_LINES);
  if (lines.length > PROMPT_MAX_LINES) kept[PROMPT_MAX_LINES - 1] = `${kept[PROMPT_MAX_LINES - 1]} ${lines.slice(PROMPT_MAX_LINES).join(' ')}`;
  return kept.map((l) => fitLine(doc, l, width));
}

interface Cell {
  c: ParsedReportCase;
  png: Buffer;
  imageHeight: number;
  prompt: string[];
  answer: ReturnType<typeof layoutAnswer>;
}

/** Where each part of a cell starts, relative to its top, and the cell's height: one source for measuring and drawing. */
function cellLayout(cell: Cell): { meta: number; status: number | null; image: number; caption: number; prompt: number; answer: number; more: number | null; height: number } {
  const partial = cell.c.status !== 'complete';
  const answerLines = Math.min(ANSWER_MAX_LINES, cell.answer.lines);
  const meta = ROW.title;
  const status = partial ? meta + ROW.meta : null;
  const image = meta + ROW.meta + (partial ? ROW.status : 0) + ROW.imageGap;
  const caption = image + cell.imageHeight + ROW.imageGap;
  const prompt = caption + ROW.caption;
  const answer = prompt + cell.prompt.length * TYPE.line + ROW.promptGap;
  const more = cell.answer.lines > ANSWER_MAX_LINES ? answer + answerLines * TYPE.line : null;
  return { meta, status, image, caption, prompt, answer, more, height: answer + answerLines * TYPE.line + ROW.more };
}

/** Draws the section from doc.y, adding pages as rows need them; `annotatedPngs[i]` is case i's annotated image, `peak` the cases' sharedPeak. */
export function drawComparison(doc: Doc, cases: readonly ParsedReportCase[], annotatedPngs: readonly Buffer[], peak: number): void {
  const left = doc.page.margins.left;
  const colWidth = (contentWidth(doc) - GAP * (COLUMNS - 1)) / COLUMNS;
  const differing = differingSettings(cases);
  heading(doc, 'Side by side', `answers shaded on one δ scale for all ${cases.length} runs (max ${peak.toFixed(3)}), underlined = visually grounded`);
  if (differing.length > 0) {
    doc.font(FONT.regular).fontSize(8.5).fillColor(INK.muted).text(`Settings that differ between the runs: ${differing.join(', ')}.`, left, doc.y, { width: contentWidth(doc) });
    doc.moveDown(0.4);
  }

  const cells: Cell[] = cases.map((c, i) => ({
    c,
    png: annotatedPngs[i] as Buffer,
    imageHeight: Math.min(IMAGE_MAX_HEIGHT, (colWidth * c.image.height) / c.image.width),
    prompt: promptLines(doc, c.prompt, colWidth),
    answer: layoutAnswer(doc, c, 0, colWidth, TYPE.size),
  }));
  for (let start = 0; start < cells.length; start += COLUMNS) {
    const row = cells.slice(start, start + COLUMNS);
    const height = Math.max(...row.map((cell) => cellLayout(cell).height));
    if (doc.y + height > bottomLimit(doc)) doc.addPage();
    const top = doc.y;
    row.forEach((cell, k) => drawCell(doc, cell, left + k * (colWidth + GAP), top, colWidth, peak, differing));
    doc.x = left;
    doc.y = top + height + 8;
  }
}

function drawCell(doc: Doc, cell: Cell, x: number, top: number, width: number, peak: number, differing: readonly string[]): void {
  const { c } = cell;
  const at = cellLayout(cell);
  doc.font(FONT.bold).fontSize(11).fillColor(INK.text).text(fitLine(doc, c.title, width), x, top, { lineBreak: false });
  doc.font(FONT.regular).fontSize(8).fillColor(INK.muted).text(fitLine(doc, settingsLine(c, differing), width), x, top + at.meta, { lineBreak: false });
  if (at.status !== null) doc.font(FONT.bold).fontSize(8).fillColor(INK.accent).text(`Run ${c.status}: its answer and maps are partial.`, x, top + at.status, { lineBreak: false });
  const w = Math.min(width, (cell.imageHeight * c.image.width) / c.image.height);
  const imageX = x + (width - w) / 2;
  doc.image(cell.png, imageX, top + at.image, { width: w, height: cell.imageHeight });
  doc.rect(imageX, top + at.image, w, cell.imageHeight).lineWidth(0.5).strokeColor(INK.rule).stroke();
  doc.font(FONT.regular).fontSize(8).fillColor(INK.muted).text(fitLine(doc, captionLine(c), width), x, top + at.caption, { lineBreak: false });
  doc.font(FONT.regular).fontSize(TYPE.size).fillColor(INK.muted);
  cell.prompt.forEach((line, i) => doc.text(line, x, top + at.prompt + i * TYPE.line, { lineBreak: false }));
  const shifted = cell.answer.pieces.map((p) => ({ ...p, x: p.x + x }));
  drawPieces(doc, shifted, top + at.answer, peak, { size: TYPE.size, lineHeight: TYPE.line, maxLines: ANSWER_MAX_LINES });
  if (at.more !== null) doc.font(FONT.regular).fontSize(8).fillColor(INK.muted).text('… the whole answer is on the run’s own page', x, top + at.more, { lineBreak: false });
}
