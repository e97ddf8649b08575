/** Writers for failure annotations (with regions) and analyst-edited heatmap layers. */
import type { WritableDB } from '../db-types';
import { nowIso } from '../db-types';
import { StoreInputError, StoreNotFoundError } from '../errors';
import { encodeGrid } from '../heatmap-codec';
import { regionToRow, type RegionRow } from '../region-codec';
import { AnnotationInputSchema, type AnnotationInput } from '../types';
import { describeZodError } from '../../../shared/api/envelope';

function tokenCount(db: WritableDB, runId: number): number {
  const row = db.prepare('SELECT token_count FROM runs WHERE id = ?').get(runId) as { token_count: number } | undefined;
  if (!row) throw new StoreNotFoundError('run', runId);
  return row.token_count;
}

function parseAnnotation(db: WritableDB, input: AnnotationInput) {
  const parsed = AnnotationInputSchema.safeParse(input);
  if (!parsed.success) throw new StoreInputError(`annotation: ${describeZodError(parsed.error)}`);
  const a = parsed.data;
  const tokens = tokenCount(db, a.runId);
  if (a.tokenSpan && a.tokenSpan.end > tokens) {
    throw new StoreInputError(`annotation token span [${a.tokenSpan.start}, ${a.tokenSpan.end}) exceeds the run's ${tokens} tokens`);
  }
  return { a, regions: a.regions.map(regionToRow) };
}

function insertRegions(db: WritableDB, annotationId: number, regions: readonly RegionRow[]): void {
  const insertRegion = db.prepare('INSERT INTO annotation_regions (annotation_id, shape, geometry_json, mask) VALUES (?, ?, ?, ?)');
  for (const r of regions) insertRegion.run(annotationId, r.shape, r.geometry_json, r.mask);
}

export function addAnnotation(db: WritableDB, input: AnnotationInput): number {
  const { a, regions } = parseAnnotation(db, input);
  const now = nowIso();
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO annotations (run_id, tag, severity, notes, token_start, token_end, sensitive, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(a.runId, a.tag, a.severity, a.notes, a.tokenSpan?.start ?? null, a.tokenSpan?.end ?? null, a.sensitive ? 1 : 0, now, now).lastInsertRowid,
    );
    insertRegions(db, id, regions);
    return id;
  })();
}

/** Replaces an annotation's content (regions included) in one transaction; id and creation time stay. */
export function updateAnnotation(db: WritableDB, id: number, input: AnnotationInput): void {
  const { a, regions } = parseAnnotation(db, input);
  db.transaction(() => {
    const existing = db.prepare('SELECT run_id FROM annotations WHERE id = ?').get(id) as { run_id: number } | undefined;
    if (!existing) throw new StoreNotFoundError('annotation', id);
    if (existing.run_id !== a.runId) throw new StoreInputError(`annotation ${id} belongs to run ${existing.run_id}, not ${a.runId}`);
    db.prepare(
      'UPDATE annotations SET tag = ?, severity = ?, notes = ?, token_start = ?, token_end = ?, sensitive = ?, updated_at = ? WHERE id = ?',
    ).run(a.tag, a.severity, a.notes, a.tokenSpan?.start ?? null, a.tokenSpan?.end ?? null, a.sensitive ? 1 : 0, nowIso(), id);
    db.prepare('DELETE FROM annotation_regions WHERE annotation_id = ?').run(id);
    insertRegions(db, id, regions);
  })();
}

export function deleteAnnotation(db: WritableDB, id: number): boolean {
  return db.prepare('DELETE FROM annotations WHERE id = ?').run(id).changes > 0;
}

export interface EditedLayerInput {
  runId: number;
  baseHeatmapId: number | null;
  name: string;
  gh: number;
  gw: number;
  values: ArrayLike<number>;
}

export function saveEditedLayer(db: WritableDB, input: EditedLayerInput): number {
  tokenCount(db, input.runId);
  if (input.baseHeatmapId !== null) {
    const base = db.prepare('SELECT run_id FROM heatmaps WHERE id = ?').get(input.baseHeatmapId) as { run_id: number } | undefined;
    if (!base || base.run_id !== input.runId) throw new StoreNotFoundError(`heatmap of run ${input.runId}`, input.baseHeatmapId);
  }
  const data = encodeGrid(input.values, input.gh, input.gw, `edited layer '${input.name}'`);
  const now = nowIso();
  return Number(
    db
      .prepare('INSERT INTO edited_layers (run_id, base_heatmap_id, name, gh, gw, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(input.runId, input.baseHeatmapId, input.name, input.gh, input.gw, data, now, now).lastInsertRowid,
  );
}

export function updateEditedLayerValues(db: WritableDB, id: number, values: ArrayLike<number>): void {
  const row = db.prepare('SELECT gh, gw, name FROM edited_layers WHERE id = ?').get(id) as { gh: number; gw: number; name: string } | undefined;
  if (!row) throw new StoreNotFoundError('edited layer', id);
  const data = encodeGrid(values, row.gh, row.gw, `edited layer '${row.name}'`);
  db.prepare('UPDATE edited_layers SET data = ?, updated_at = ? WHERE id = ?').run(data, nowIso(), id);
}

export function deleteEditedLayer(db: WritableDB, id: number): boolean {
  return db.prepare('DELETE FROM edited_layers WHERE id = ?').run(id).changes > 0;
}
