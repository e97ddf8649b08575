/**
 * A comparison's side-by-side section: the runs in the order given, two to a row, each with its
 * annotated image, model and settings, prompt and answer. Every answer is shaded on one δ scale
 * (the largest δ of all the runs), so the same shade means the same δ in every column; the
 * runs' own pages that follow use that scale too.
 */
import { FAILURE_TAG_LABELS } from '../../../shared/api/annotations';
import { canonicalJson } from '../../store/canonical-json';
import type { ParsedReportCase } from '../types';
import { drawPieces, layoutAnswer, maxDelta } from './answer';
import { FONT } from './fonts';
import { bottomLimit, contentWidth, fitLine, heading, INK, type Doc } from './layout';

const COLUMNS = 2;
const GAP = 18;
const IMAGE_MAX_HEIGHT = 210;
const TYPE = { size: 9.5, line: 14 } as const;
/** A longer answer is cut here; the run's own page has it whole. */
const ANSWER_MAX_LINES = 8;
const PROMPT_MAX_LINES = 3;

/** The largest δ over every run compared: the one scale their answers are shaded on. */
export function sharedPeak(cases: readonly ParsedReportCase[]): number {
  return cases.reduce((m, c) => Math.max(m, maxDelta(c.tokens)), 0);
}

/** Settings keys whose values differ between the runs: what the reader should look at first. */
export function differingSettings(cases: readonly ParsedReportCase[]): string[] {
  const keys = [...new Set(cases.flatMap((c) => Object.keys(c.provenance.settings)))].sort();
  return keys.filter((k) => new Set(cases.map((c) => canonicalJson(c.provenance.settings[k] ?? null))).size > 1);
}

function settingsLine(c: ParsedReportCase, keys: readonly string[]): string {
  const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
  const parts = keys.map((k) => `${k} ${value(c.provenance.settings[k])}`);
  return [c.image.name, c.provenance.modelName, c.provenance.provider, ...parts].join(' · ');
}

/** What the image shows: the map drawn on it and the analyst's findings, by tag and severity. */
function captionLine(c: ParsedReportCase): string {
  const findings = c.annotations.map((a) => `${FAILURE_TAG_LABELS[a.tag]} (${a.severity})`);
  const noun = findings.length === 1 ? 'finding' : 'findings';
  return findings.length === 0 ? c.overlay.label : `${c.overlay.label} · ${findings.length} ${noun}: ${findings.join(', ')}`;
}

interface Cell {
  c: ParsedReportCase;
  png: Buffer;
  imageHeight: number;
  prompt: string[];
  answer: ReturnType<typeof layoutAnswer>;
}

/** The prompt in at most PROMPT_MAX_LINES lines of the column, the last cut with an ellipsis. */
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
  if (lines.length <= PROMPT_MAX_LINES) return lines;
  const kept = lines.slice(0, PROMPT_MAX_LINES);
  kept[PROMPT_MAX_LINES - 1] = fitLine(doc, `${kept[PROMPT_MAX_LINES - 1]} ${lines.slice(PROMPT_MAX_LINES).join(' ')}`, width);
  return kept;
}

/** Draws the section from doc.y, adding pages as rows need them. */
export function drawComparison(doc: Doc, cases: readonly ParsedReportCase[], annotatedPngs: readonly Buffer[]): void {
  const left = doc.page.margins.left;
  const colWidth = (contentWidth(doc) - GAP * (COLUMNS - 1)) / COLUMNS;
  const peak = sharedPeak(cases);
  const differing = differingSettings(cases);
  heading(doc, 'Side by side', `answers shaded on one δ scale for all ${cases.length} runs (max ${peak.toFixed(3)}), underlined = visually grounded`);
  if (differing.length > 0) {
    doc.font(FONT.regular).fontSize(8.5).fillColor(INK.muted).text(`Settings that differ between the runs: ${differing.join(', ')}.`, left, doc.y, { width: contentWidth(doc) });
    doc.moveDown(0.4);
  }

  const cells: Cell[] = cases.map((c, i) => {
    const imageHeight = Math.min(IMAGE_MAX_HEIGHT, (colWidth * c.image.height) / c.image.width);
    return { c, png: annotatedPngs[i] as Buffer, imageHeight, prompt: promptLines(doc, c.prompt, colWidth), answer: layoutAnswer(doc, c, 0, colWidth, TYPE.size) };
  });
  const cellHeight = (cell: Cell) => 14 + 12 + 4 + cell.imageHeight + 4 + 12 + 4 + cell.prompt.length * TYPE.line + 4 + Math.min(ANSWER_MAX_LINES, cell.answer.lines) * TYPE.line + 14;

  for (let start = 0; start < cells.length; start += COLUMNS) {
    const row = cells.slice(start, start + COLUMNS);
    const height = Math.max(...row.map(cellHeight));
    if (doc.y + height > bottomLimit(doc)) doc.addPage();
    const top = doc.y;
    row.forEach((cell, k) => drawCell(doc, cell, left + k * (colWidth + GAP), top, colWidth, peak, differing));
    doc.x = left;
    doc.y = top + height + 8;
  }
}

function drawCell(doc: Doc, cell: Cell, x: number, top: number, width: number, peak: number, differing: readonly string[]): void {
  const { c } = cell;
  let y = top;
  doc.font(FONT.bold).fontSize(11).fillColor(INK.text).text(fitLine(doc, c.title, width), x, y, { lineBreak: false });
  y += 14;
  doc.font(FONT.regular).fontSize(8).fillColor(INK.muted).text(fitLine(doc, settingsLine(c, differing), width), x, y, { lineBreak: false });
  y += 12;
  if (c.status !== 'complete') {
    doc.font(FONT.bold).fontSize(8).fillColor(INK.accent).text(`Run ${c.status}: partial.`, x, y - 1, { lineBreak: false });
  }
  y += 4;
  const w = Math.min(width, (cell.imageHeight * c.image.width) / c.image.height);
  const imageX = x + (width - w) / 2;
  doc.image(cell.png, imageX, y, { width: w, height: cell.imageHeight });
  doc.rect(imageX, y, w, cell.imageHeight).lineWidth(0.5).strokeColor(INK.rule).stroke();
  y += cell.imageHeight + 4;
  doc.font(FONT.regular).fontSize(8).fillColor(INK.muted).text(fitLine(doc, captionLine(c), width), x, y, { lineBreak: false });
  y += 16;
  doc.font(FONT.regular).fontSize(TYPE.size).fillColor(INK.muted);
  for (const line of cell.prompt) {
    doc.text(line, x, y, { lineBreak: false });
    y += TYPE.line;
  }
  y += 4;
  const shifted = cell.answer.pieces.map((p) => ({ ...p, x: p.x + x }));
  drawPieces(doc, shifted, y, peak, { size: TYPE.size, lineHeight: TYPE.line, maxLines: ANSWER_MAX_LINES });
  y += Math.min(ANSWER_MAX_LINES, cell.answer.lines) * TYPE.line;
  if (cell.answer.lines > ANSWER_MAX_LINES) doc.font(FONT.regular).fontSize(8).fillColor(INK.muted).text('… the whole answer is on the run’s own page', x, y, { lineBreak: false });
}
