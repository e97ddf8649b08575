/** Writers for galleries (saved filter + pinned runs) and the report export log. */
import type { WritableDB } from '../db-types';
import { nowIso } from '../db-types';
import { StoreInputError, StoreNotFoundError } from '../errors';
import { describeZodError } from '../../../shared/api/envelope';
import { GalleryFilterSchema, type GalleryFilter, type REPORT_FORMATS } from '../types';

function filterJson(filter: GalleryFilter): string {
  const parsed = GalleryFilterSchema.safeParse(filter);
  if (!parsed.success) throw new StoreInputError(`gallery filter: ${describeZodError(parsed.error)}`);
  return JSON.stringify(parsed.data);
}

export function createGallery(db: WritableDB, name: string, filter: GalleryFilter = {}): number {
  if (name.trim().length === 0) throw new StoreInputError('gallery name must not be empty');
  if (db.prepare('SELECT 1 FROM galleries WHERE name = ?').get(name)) throw new StoreInputError(`a gallery named '${name}' already exists`);
  const now = nowIso();
  return Number(db.prepare('INSERT INTO galleries (name, filter_json, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name, filterJson(filter), now, now).lastInsertRowid);
}

/** Replaces a gallery's filter, and its name when one is given. */
export function updateGallery(db: WritableDB, galleryId: number, filter: GalleryFilter, name?: string): void {
  const json = filterJson(filter);
  const changed = (
    name === undefined
      ? db.prepare('UPDATE galleries SET filter_json = ?, updated_at = ? WHERE id = ?').run(json, nowIso(), galleryId)
      : db.prepare('UPDATE galleries SET filter_json = ?, name = ?, updated_at = ? WHERE id = ?').run(json, name, nowIso(), galleryId)
  ).changes;
  if (changed === 0) throw new StoreNotFoundError('gallery', galleryId);
}

/** Pins a run at the end of the gallery (idempotent). */
export function pinRun(db: WritableDB, galleryId: number, runId: number): void {
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM galleries WHERE id = ?').get(galleryId)) throw new StoreNotFoundError('gallery', galleryId);
    if (!db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new StoreNotFoundError('run', runId);
    db.prepare(
      `INSERT INTO gallery_items (gallery_id, run_id, position, pinned_at)
       VALUES (?, ?, (SELECT ifnull(max(position), -1) + 1 FROM gallery_items WHERE gallery_id = ?), ?)
       ON CONFLICT (gallery_id, run_id) DO NOTHING`,
    ).run(galleryId, runId, galleryId, nowIso());
  })();
}

export function unpinRun(db: WritableDB, galleryId: number, runId: number): boolean {
  return db.prepare('DELETE FROM gallery_items WHERE gallery_id = ? AND run_id = ?').run(galleryId, runId).changes > 0;
}

export function deleteGallery(db: WritableDB, galleryId: number): boolean {
  return db.prepare('DELETE FROM galleries WHERE id = ?').run(galleryId).changes > 0;
}

export interface ReportExportInput {
  format: (typeof REPORT_FORMATS)[number];
  path: string;
  runIds: number[];
  galleryId?: number | null;
  redacted: boolean;
  sha256?: string | null;
}

export function logReportExport(db: WritableDB, entry: ReportExportInput): number {
  return Number(
    db
      .prepare('INSERT INTO report_exports (format, path, run_ids_json, gallery_id, redacted, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(entry.format, entry.path, JSON.stringify(entry.runIds), entry.galleryId ?? null, entry.redacted ? 1 : 0, entry.sha256 ?? null, nowIso()).lastInsertRowid,
  );
}
