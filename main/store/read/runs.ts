/** Readers for whole runs (tokens and decoded heatmaps) and the inference cache lookup. */
import type { RunToken } from '../../../shared/api/runs';
import { canonicalJson } from '../canonical-json';
import type { ReadableDB } from '../db-types';
import { decodeGrid } from '../heatmap-codec';
import type { HeatmapDetail, HeatmapKind, StoredHeatmap, RunDetail, RunStatus, RunSummary, RunTimings } from '../types';

/** Columns of a gallery card; shared with the gallery query so both build the same summary. */
export const SUMMARY_SELECT = `
  SELECT r.id, r.image_sha, i.name AS image_name, r.prompt_id, p.text AS prompt_text, r.model_sha, m.name AS model_name,
         r.answer, r.status, r.created_at, r.token_count, r.delta_mean, r.delta_max, r.grounded_count,
         (SELECT group_concat(DISTINCT a.tag) FROM annotations a WHERE a.run_id = r.id) AS tags
  FROM runs r
  JOIN images i ON i.sha256 = r.image_sha
  JOIN prompts p ON p.id = r.prompt_id
  JOIN models m ON m.sha256 = r.model_sha`;

export interface SummaryRow {
  id: number;
  image_sha: string;
  image_name: string;
  prompt_id: number;
  prompt_text: string;
  model_sha: string;
  model_name: string;
  answer: string;
  status: RunStatus;
  created_at: string;
  token_count: number;
  delta_mean: number;
  delta_max: number;
  grounded_count: number;
  tags: string | null;
}

export function toSummary(row: SummaryRow): RunSummary {
  return {
    id: row.id,
    imageSha: row.image_sha,
    imageName: row.image_name,
    promptId: row.prompt_id,
    promptText: row.prompt_text,
    modelSha: row.model_sha,
    modelName: row.model_name,
    answer: row.answer,
    status: row.status,
    createdAt: row.created_at,
    tokenCount: row.token_count,
    deltaMean: row.delta_mean,
    deltaMax: row.delta_max,
    groundedCount: row.grounded_count,
    tags: row.tags ? row.tags.split(',').sort() : [],
  };
}

export function getRunSummary(db: ReadableDB, runId: number): RunSummary | undefined {
  const row = db.prepare(`${SUMMARY_SELECT} WHERE r.id = ?`).get(runId) as SummaryRow | undefined;
  return row && toSummary(row);
}

/** Runs of one image, newest first (the run view's history for the selected image). */
export function listRunsForImage(db: ReadableDB, imageSha: string, limit = 200): RunSummary[] {
  const rows = db.prepare(`${SUMMARY_SELECT} WHERE r.image_sha = ? ORDER BY r.id DESC LIMIT ?`).all(imageSha, limit) as SummaryRow[];
  return rows.map(toSummary);
}

export function getRunTokens(db: ReadableDB, runId: number): RunToken[] {
  const rows = db.prepare('SELECT idx, token_id, text, delta, prob, grounded, top5_json FROM tokens WHERE run_id = ? ORDER BY idx').all(runId) as {
    idx: number;
    token_id: number;
    text: string;
    delta: number;
    prob: number;
    grounded: number;
    top5_json: string;
  }[];
  return rows.map((r) => ({ index: r.idx, id: r.token_id, text: r.text, delta: r.delta, prob: r.prob, grounded: r.grounded === 1, top5: JSON.parse(r.top5_json) as RunToken['top5'] }));
}

export function getRunHeatmaps(db: ReadableDB, runId: number, options: { details?: boolean } = {}): StoredHeatmap[] {
  const rows = db.prepare('SELECT id, kind, token_index, gh, gw, data FROM heatmaps WHERE run_id = ? ORDER BY kind, token_index').all(runId) as {
    id: number;
    kind: HeatmapKind;
    token_index: number | null;
    gh: number;
    gw: number;
    data: Buffer;
  }[];
  return rows.map((r) => {
    const map: StoredHeatmap = { id: r.id, kind: r.kind, tokenIndex: r.token_index, gh: r.gh, gw: r.gw, values: decodeGrid(r.data) };
    if (options.details) {
      const details = heatmapDetails(db, r.id);
      if (details.length > 0) map.details = details;
    }
    return map;
  });
}

function heatmapDetails(db: ReadableDB, heatmapId: number): HeatmapDetail[] {
  const rows = db.prepare('SELECT layer, head, data, weight FROM heatmap_details WHERE heatmap_id = ? ORDER BY layer, head').all(heatmapId) as {
    layer: number;
    head: number | null;
    data: Buffer;
    weight: number | null;
  }[];
  return rows.map((d) => ({ layer: d.layer, head: d.head, weight: d.weight, values: decodeGrid(d.data) }));
}

/** One heatmap with its per-layer/head detail (the head browser), without reading the rest of the run. */
export function getHeatmapWithDetails(db: ReadableDB, runId: number, kind: HeatmapKind, tokenIndex: number | null): StoredHeatmap | undefined {
  const r = db
    .prepare('SELECT id, gh, gw, data FROM heatmaps WHERE run_id = ? AND kind = ? AND ifnull(token_index, -1) = ifnull(?, -1)')
    .get(runId, kind, tokenIndex) as { id: number; gh: number; gw: number; data: Buffer } | undefined;
  if (!r) return undefined;
  const details = heatmapDetails(db, r.id);
  return { id: r.id, kind, tokenIndex, gh: r.gh, gw: r.gw, values: decodeGrid(r.data), ...(details.length > 0 ? { details } : {}) };
}

export function getRun(db: ReadableDB, runId: number, options: { details?: boolean } = {}): RunDetail | undefined {
  const summary = getRunSummary(db, runId);
  if (!summary) return undefined;
  const json = db.prepare('SELECT settings_json, provenance_json, timings_json FROM runs WHERE id = ?').get(runId) as {
    settings_json: string;
    provenance_json: string;
    timings_json: string;
  };
  return {
    ...summary,
    settings: JSON.parse(json.settings_json) as unknown,
    provenance: JSON.parse(json.provenance_json) as unknown,
    timings: JSON.parse(json.timings_json) as RunTimings,
    tokens: getRunTokens(db, runId),
    heatmaps: getRunHeatmaps(db, runId, options),
  };
}

export interface CacheKey {
  imageSha: string;
  promptText: string;
  modelSha: string;
  /** Settings object (canonicalised here) or an already-canonical JSON string. */
  settings: unknown;
}

/** The newest complete run for exactly this image, prompt, model and settings, if any. */
export function findCachedRunId(db: ReadableDB, key: CacheKey): number | undefined {
  const settingsJson = typeof key.settings === 'string' ? canonicalJson(JSON.parse(key.settings)) : canonicalJson(key.settings ?? {});
  const row = db
    .prepare(
      `SELECT r.id FROM runs r JOIN prompts p ON p.id = r.prompt_id
       WHERE r.image_sha = ? AND p.text = ? AND r.model_sha = ? AND r.settings_json = ? AND r.status = 'complete'
       ORDER BY r.id DESC LIMIT 1`,
    )
    .get(key.imageSha, key.promptText, key.modelSha, settingsJson) as { id: number } | undefined;
  return row?.id;
}
