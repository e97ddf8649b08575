/** Readers for galleries and the report export log. */
import type { ReadableDB } from '../db-types';
import { GalleryFilterSchema, type Gallery, type ReportExport } from '../types';

interface GalleryRow {
  id: number;
  name: string;
  filter_json: string;
  created_at: string;
  updated_at: string;
}

function toGallery(db: ReadableDB, row: GalleryRow): Gallery {
  const pinned = db.prepare('SELECT run_id FROM gallery_items WHERE gallery_id = ? ORDER BY position').all(row.id) as { run_id: number }[];
  return {
    id: row.id,
    name: row.name,
    filter: GalleryFilterSchema.parse(JSON.parse(row.filter_json)),
    pinnedRunIds: pinned.map((p) => p.run_id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function getGallery(db: ReadableDB, galleryId: number): Gallery | undefined {
  const row = db.prepare('SELECT * FROM galleries WHERE id = ?').get(galleryId) as GalleryRow | undefined;
  return row && toGallery(db, row);
}

export function listGalleries(db: ReadableDB): Gallery[] {
  return (db.prepare('SELECT * FROM galleries ORDER BY name').all() as GalleryRow[]).map((row) => toGallery(db, row));
}

export function listReportExports(db: ReadableDB): ReportExport[] {
  const rows = db.prepare('SELECT * FROM report_exports ORDER BY id').all() as {
    id: number;
    format: ReportExport['format'];
    path: string;
    run_ids_json: string;
    gallery_id: number | null;
    redacted: number;
    sha256: string | null;
    created_at: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    format: r.format,
    path: r.path,
    runIds: JSON.parse(r.run_ids_json) as number[],
    galleryId: r.gallery_id,
    redacted: r.redacted === 1,
    sha256: r.sha256,
    createdAt: r.created_at,
  }));
}
