/**
 * The cover: what the report is, when it was made, and exactly which models (with sha256),
 * providers, settings and app version produced the cases, followed by a table of contents.
 */
import { FAILURE_TAG_LABELS } from '../../../shared/api/annotations';
import { canonicalJson } from '../../store/canonical-json';
import type { ParsedReportCase, ParsedReportMeta } from '../types';
import { FONT } from './fonts';
import { contentWidth, ensureSpace, heading, INK, type Doc } from './layout';

/** UTC, minute precision: the date line is the one part of the file allowed to change. */
export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function distinct<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** Where each case's contents line sits (page index, y), so page numbers can be added once pages exist. */
export interface ContentsLine {
  page: number;
  y: number;
}

export function drawCover(doc: Doc, meta: ParsedReportMeta, cases: readonly ParsedReportCase[]): ContentsLine[] {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  doc.font(FONT.bold).fontSize(22).fillColor(INK.text).text(meta.title, left, doc.page.margins.top + 20, { width });
  doc.moveDown(0.3);
  doc.font(FONT.regular).fontSize(11).fillColor(INK.muted);
  doc.text(`Project: ${meta.projectName}`, { width });
  doc.text(`Date: ${formatDate(meta.date)}`, { width });
  doc.text(`Cases: ${cases.length}`, { width });

  const provs = cases.map((c) => c.provenance);
  heading(doc, 'Models');
  for (const model of distinct(provs, (p) => p.modelSha256)) {
    ensureSpace(doc, 36);
    const users = provs.filter((p) => p.modelSha256 === model.modelSha256);
    doc.font(FONT.bold).fontSize(10).fillColor(INK.text).text(model.modelName, left, doc.y, { width });
    doc.font(FONT.mono).fontSize(8.5).text(`sha256 ${model.modelSha256}`, { width });
    const providers = distinct(users.map((u) => u.provider), (p) => p).join(', ');
    const versions = distinct(users.map((u) => u.appVersion), (v) => v).join(', ');
    doc.font(FONT.regular).fontSize(9).fillColor(INK.muted).text(`providers: ${providers} · DEX-AR Workstation ${versions}`, { width });
    doc.moveDown(0.4);
  }

  heading(doc, 'Settings');
  const settings = distinct(provs.map((p) => canonicalJson(p.settings)), (s) => s);
  settings.forEach((json, i) => {
    const used = cases.filter((c) => canonicalJson(c.provenance.settings) === json).map((c) => c.title);
    ensureSpace(doc, 30);
    doc.font(FONT.regular).fontSize(9).fillColor(INK.muted).text(settings.length > 1 ? `Set ${i + 1} — ${used.join(', ')}` : 'All cases', left, doc.y, { width });
    const entries = Object.entries(JSON.parse(json) as Record<string, unknown>);
    doc.font(FONT.mono).fontSize(8.5).fillColor(INK.text);
    if (entries.length === 0) doc.text('(defaults)', { width });
    for (const [key, value] of entries) doc.text(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`, { width });
    doc.moveDown(0.4);
  });

  heading(doc, 'Contents');
  const lines: ContentsLine[] = [];
  cases.forEach((c, i) => {
    ensureSpace(doc, 14);
    const range = doc.bufferedPageRange();
    lines.push({ page: range.start + range.count - 1, y: doc.y });
    const tags = distinct(c.annotations.map((a) => `${FAILURE_TAG_LABELS[a.tag]} (${a.severity})`), (t) => t);
    doc.font(FONT.regular).fontSize(9.5).fillColor(INK.text).text(`${i + 1}. ${c.title} — ${c.image.name}${tags.length > 0 ? ` — ${tags.join(', ')}` : ''}`, left, doc.y, { width: width - 50 });
  });
  if (cases.some((c) => c.annotations.some((a) => a.regions.some((r) => r.sensitive)))) {
    doc.moveDown(0.8);
    doc.font(FONT.regular).fontSize(9).fillColor(INK.accent).text('Redaction: regions the analysts marked sensitive are blurred in every image of this report, thumbnails included.', left, doc.y, { width });
  }
  return lines;
}

/** Writes each case's first page number (0-based index in, 1-based out) at the right end of its contents line. */
export function drawContentsPages(doc: Doc, lines: readonly ContentsLine[], firstPages: readonly number[]): void {
  lines.forEach((line, i) => {
    const page = firstPages[i];
    if (page === undefined) return;
    doc.switchToPage(line.page);
    doc.font(FONT.regular).fontSize(9.5).fillColor(INK.muted);
    const right = doc.page.margins.left + contentWidth(doc);
    doc.text(String(page + 1), right - 40, line.y, { width: 40, align: 'right', lineBreak: false });
  });
}
