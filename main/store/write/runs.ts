/**
 * Saving a run: the run row, its tokens and all its heatmaps in ONE transaction, so a run is
 * either fully in the file or absent (a crash mid-save rolls back). Everything that can fail on
 * bad input (shapes, indices, encodings) is checked before the transaction starts.
 */
import { describeZodError } from '../../../shared/api/envelope';
import { RunTokenSchema, type RunToken } from '../../../shared/api/runs';
import { canonicalJson } from '../canonical-json';
import type { WritableDB } from '../db-types';
import { nowIso } from '../db-types';
import { StoreInputError, StoreNotFoundError } from '../errors';
import { encodeGrid } from '../heatmap-codec';
import { getModel, imageExists } from '../read/catalog';
import { HEATMAP_KINDS, PER_TOKEN_KINDS, type HeatmapKind, type RunStatus, type RunTimings } from '../types';
import { upsertPrompt } from './catalog';

export interface HeatmapInput {
  kind: HeatmapKind;
  tokenIndex: number | null;
  gh: number;
  gw: number;
  values: ArrayLike<number>;
  details?: { layer: number; head: number | null; values: ArrayLike<number>; weight?: number | null }[];
}

export interface SaveRunInput {
  imageSha: string;
  promptText: string;
  modelSha: string;
  /** Any JSON; stored canonicalised (sorted keys) and used as part of the cache key. */
  settings: unknown;
  /** Who/what produced the run: app version, bundle, execution provider, … */
  provenance: unknown;
  timings: RunTimings;
  answer: string;
  tokens: RunToken[];
  heatmaps: HeatmapInput[];
  status?: RunStatus;
}

/** Per-run δ aggregates written with the run so galleries filter without touching tokens. */
export interface RunStats {
  tokenCount: number;
  deltaMean: number;
  deltaMax: number;
  groundedCount: number;
}

export function runStats(tokens: readonly RunToken[]): RunStats {
  let sum = 0;
  let max = 0;
  let grounded = 0;
  for (const token of tokens) {
    sum += token.delta;
    max = Math.max(max, token.delta);
    if (token.grounded) grounded += 1;
  }
  return { tokenCount: tokens.length, deltaMean: tokens.length > 0 ? sum / tokens.length : 0, deltaMax: max, groundedCount: grounded };
}

interface EncodedHeatmap {
  kind: HeatmapKind;
  tokenIndex: number | null;
  gh: number;
  gw: number;
  data: Buffer;
  details: { layer: number; head: number | null; data: Buffer; weight: number | null }[];
}

function encodeHeatmaps(heatmaps: readonly HeatmapInput[], tokenCount: number): EncodedHeatmap[] {
  const seen = new Set<string>();
  return heatmaps.map((map, i) => {
    const what = `heatmap ${i} (${map.kind}${map.tokenIndex === null ? '' : ` token ${map.tokenIndex}`})`;
    if (!HEATMAP_KINDS.includes(map.kind)) throw new StoreInputError(`${what}: unknown kind; expected one of ${HEATMAP_KINDS.join(', ')}`);
    if (PER_TOKEN_KINDS.has(map.kind)) {
      if (map.tokenIndex === null || !Number.isInteger(map.tokenIndex) || map.tokenIndex < 0 || map.tokenIndex >= tokenCount) {
        throw new StoreInputError(`${what}: expected a token index in [0, ${tokenCount}), found ${String(map.tokenIndex)}`);
      }
    } else if (map.tokenIndex !== null) {
      throw new StoreInputError(`${what}: a ${map.kind} map has no token index, found ${map.tokenIndex}`);
    }
    if (!Number.isInteger(map.gh) || !Number.isInteger(map.gw) || map.gh < 1 || map.gw < 1) {
      throw new StoreInputError(`${what}: expected a positive integer grid, found ${map.gh}×${map.gw}`);
    }
    const key = `${map.kind}/${String(map.tokenIndex)}`;
    if (seen.has(key)) throw new StoreInputError(`${what}: appears twice in the same run`);
    seen.add(key);
    return {
      kind: map.kind,
      tokenIndex: map.tokenIndex,
      gh: map.gh,
      gw: map.gw,
      data: encodeGrid(map.values, map.gh, map.gw, what),
      details: (map.details ?? []).map((d) => ({ layer: d.layer, head: d.head, weight: d.weight ?? null, data: encodeGrid(d.values, map.gh, map.gw, `${what} layer ${d.layer} head ${String(d.head)}`) })),
    };
  });
}

function checkTokens(tokens: readonly RunToken[]): void {
  tokens.forEach((token, position) => {
    const parsed = RunTokenSchema.safeParse(token);
    if (!parsed.success) throw new StoreInputError(`token ${position}: ${describeZodError(parsed.error)}`);
    if (token.index !== position) throw new StoreInputError(`token at position ${position}: expected index ${position}, found ${token.index}`);
    if (!Number.isFinite(token.delta) || token.delta < 0) throw new StoreInputError(`token ${position}: δ must be a finite number ≥ 0, found ${token.delta}`);
  });
}

/** Returns the new run's id. Throws StoreNotFoundError / StoreInputError with nothing written. */
export function saveRun(db: WritableDB, input: SaveRunInput): number {
  if (!imageExists(db, input.imageSha)) throw new StoreNotFoundError('image', input.imageSha);
  if (!getModel(db, input.modelSha)) throw new StoreNotFoundError('model', input.modelSha);
  checkTokens(input.tokens);
  const heatmaps = encodeHeatmaps(input.heatmaps, input.tokens.length);
  const stats = runStats(input.tokens);
  const settingsJson = canonicalJson(input.settings ?? {});
  const provenanceJson = canonicalJson(input.provenance ?? {});
  const timingsJson = canonicalJson(input.timings);

  const insertRun = db.prepare(
    `INSERT INTO runs (image_sha, prompt_id, model_sha, settings_json, provenance_json, timings_json, answer, status, created_at,
                       token_count, delta_mean, delta_max, grounded_count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertToken = db.prepare('INSERT INTO tokens (run_id, idx, token_id, text, delta, prob, grounded, top5_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertHeatmap = db.prepare('INSERT INTO heatmaps (run_id, kind, token_index, gh, gw, data) VALUES (?, ?, ?, ?, ?, ?)');
  const insertDetail = db.prepare('INSERT INTO heatmap_details (heatmap_id, layer, head, data, weight) VALUES (?, ?, ?, ?, ?)');

  return db.transaction(() => {
    const promptId = upsertPrompt(db, input.promptText);
    const runId = Number(
      insertRun.run(
        input.imageSha, promptId, input.modelSha, settingsJson, provenanceJson, timingsJson, input.answer, input.status ?? 'complete', nowIso(),
        stats.tokenCount, stats.deltaMean, stats.deltaMax, stats.groundedCount,
      ).lastInsertRowid,
    );
    for (const t of input.tokens) insertToken.run(runId, t.index, t.id, t.text, t.delta, t.prob, t.grounded ? 1 : 0, JSON.stringify(t.top5));
    for (const map of heatmaps) {
      const heatmapId = insertHeatmap.run(runId, map.kind, map.tokenIndex, map.gh, map.gw, map.data).lastInsertRowid;
      for (const d of map.details) insertDetail.run(heatmapId, d.layer, d.head, d.data, d.weight);
    }
    return runId;
  })();
}

/** Removes a run and everything hanging off it (tokens, maps, annotations, layers, pins). */
export function deleteRun(db: WritableDB, runId: number): boolean {
  return db.prepare('DELETE FROM runs WHERE id = ?').run(runId).changes > 0;
}
