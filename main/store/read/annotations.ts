/** Readers for annotations and edited layers. */
import type { ReadableDB } from '../db-types';
import { decodeGrid } from '../heatmap-codec';
import { rowToRegion, type RegionRow } from '../region-codec';
import type { Annotation, EditedLayer, FailureTag, Severity } from '../types';

interface AnnotationRow {
  id: number;
  run_id: number;
  tag: FailureTag;
  severity: Severity;
  notes: string;
  token_start: number | null;
  token_end: number | null;
  sensitive: number;
  created_at: string;
  updated_at: string;
}

export function listAnnotations(db: ReadableDB, runId: number): Annotation[] {
  const rows = db.prepare('SELECT * FROM annotations WHERE run_id = ? ORDER BY id').all(runId) as AnnotationRow[];
  const regionStmt = db.prepare('SELECT shape, geometry_json, mask FROM annotation_regions WHERE annotation_id = ? ORDER BY id');
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    tag: r.tag,
    severity: r.severity,
    notes: r.notes,
    tokenSpan: r.token_start === null || r.token_end === null ? null : { start: r.token_start, end: r.token_end },
    regions: (regionStmt.all(r.id) as RegionRow[]).map(rowToRegion),
    sensitive: r.sensitive === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export function listEditedLayers(db: ReadableDB, runId: number): EditedLayer[] {
  const rows = db.prepare('SELECT * FROM edited_layers WHERE run_id = ? ORDER BY id').all(runId) as {
    id: number;
    run_id: number;
    base_heatmap_id: number | null;
    name: string;
    gh: number;
    gw: number;
    data: Buffer;
    created_at: string;
    updated_at: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    baseHeatmapId: r.base_heatmap_id,
    name: r.name,
    gh: r.gh,
    gw: r.gw,
    values: decodeGrid(r.data),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}
