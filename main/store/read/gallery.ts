/**
 * The gallery query: filters by failure tag, model, prompt words (FTS5) and the per-run δ
 * aggregates, then sorts and pages. Filters touch only indexed columns of `runs`, so the count
 * and the page stay fast on large projects.
 */
import type { ReadableDB } from '../db-types';
import { GalleryQuerySchema, type GalleryFilter, type GalleryPage, type GalleryQuery } from '../types';
import { SUMMARY_SELECT, toSummary, type SummaryRow } from './runs';

const SORT_COLUMNS = {
  created: 'r.created_at',
  deltaMean: 'r.delta_mean',
  deltaMax: 'r.delta_max',
  groundedCount: 'r.grounded_count',
  imageName: '(SELECT name FROM images WHERE sha256 = r.image_sha)',
} as const;

/** User words → an FTS5 query of quoted prefix terms (AND); null when there are no words. */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu);
  if (!words) return null;
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ');
}

function whereClause(filter: GalleryFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.tags && filter.tags.length > 0) {
    clauses.push(`EXISTS (SELECT 1 FROM annotations a WHERE a.run_id = r.id AND a.tag IN (${filter.tags.map(() => '?').join(', ')}))`);
    params.push(...filter.tags);
  }
  if (filter.modelShas && filter.modelShas.length > 0) {
    clauses.push(`r.model_sha IN (${filter.modelShas.map(() => '?').join(', ')})`);
    params.push(...filter.modelShas);
  }
  const fts = filter.promptText === undefined ? null : ftsQuery(filter.promptText);
  if (fts !== null) {
    clauses.push('r.prompt_id IN (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?)');
    params.push(fts);
  }
  const ranges: [number | undefined, string][] = [
    [filter.deltaMeanMin, 'r.delta_mean >= ?'],
    [filter.deltaMeanMax, 'r.delta_mean <= ?'],
    [filter.deltaMaxMin, 'r.delta_max >= ?'],
    [filter.deltaMaxMax, 'r.delta_max <= ?'],
    [filter.groundedMin, 'r.grounded_count >= ?'],
  ];
  for (const [value, sql] of ranges) {
    if (value === undefined) continue;
    clauses.push(sql);
    params.push(value);
  }
  if (filter.status) {
    clauses.push('r.status = ?');
    params.push(filter.status);
  }
  if (filter.pinnedIn !== undefined) {
    clauses.push('r.id IN (SELECT run_id FROM gallery_items WHERE gallery_id = ?)');
    params.push(filter.pinnedIn);
  }
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function queryGallery(db: ReadableDB, query: GalleryQuery = {}): GalleryPage {
  const q = GalleryQuerySchema.parse(query);
  const where = whereClause(q.filter);
  const total = (db.prepare(`SELECT count(*) AS n FROM runs r ${where.sql}`).get(...where.params) as { n: number }).n;
  const order = `${SORT_COLUMNS[q.sort.by]} ${q.sort.dir === 'asc' ? 'ASC' : 'DESC'}, r.id ${q.sort.dir === 'asc' ? 'ASC' : 'DESC'}`;
  const rows = db.prepare(`${SUMMARY_SELECT} ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...where.params, q.limit, q.offset) as SummaryRow[];
  return { total, items: rows.map(toSummary) };
}

/** Every run id matching a filter (for exports); newest first. */
export function matchingRunIds(db: ReadableDB, filter: GalleryFilter): number[] {
  const where = whereClause(filter);
  return (db.prepare(`SELECT r.id FROM runs r ${where.sql} ORDER BY r.id DESC`).all(...where.params) as { id: number }[]).map((r) => r.id);
}
