/**
 * What the renderer sees of a run: tokens with their δ and alternatives, and maps as plain
 * number arrays on a gh×gw grid. Shared by the run view, compare, galleries and reports.
 */
import { z } from 'zod';
import { Sha256Schema } from './library';

const IsoTime = z.string();

export const AlternativeSchema = z.object({
  id: z.number().int().nonnegative(),
  text: z.string(),
  prob: z.number().min(0).max(1),
});
export type Alternative = z.infer<typeof AlternativeSchema>;

export const RunTokenSchema = z.object({
  index: z.number().int().nonnegative(),
  id: z.number().int().nonnegative(),
  text: z.string(),
  /** δ_t: how visual the token is; 0 marks a purely linguistic token (DESIGN §3). */
  delta: z.number().nonnegative(),
  grounded: z.boolean(),
  prob: z.number().min(0).max(1),
  top5: z.array(AlternativeSchema).max(5),
});
export type RunToken = z.infer<typeof RunTokenSchema>;

/** Which map the canvas shows: the sentence map, or token t's. */
export type MapSelection = { kind: 'sentence' } | { kind: 'token'; index: number };

export const RUN_STATUSES = ['complete', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Which map a heatmap row holds. `token` and the per-token variants carry a token index; the
 * sentence-level ones do not (DESIGN §3 and its baselines).
 */
export const HEATMAP_KINDS = [
  'token',
  'sentence',
  'unfiltered-token',
  'unfiltered',
  'baseline-attention-token',
  'baseline-attention',
  'baseline-random-token',
  'baseline-random',
] as const;
export type HeatmapKind = (typeof HEATMAP_KINDS)[number];
export const PER_TOKEN_KINDS: ReadonlySet<HeatmapKind> = new Set(['token', 'unfiltered-token', 'baseline-attention-token', 'baseline-random-token']);

export const HeatmapDetailSchema = z.object({
  layer: z.number().int().nonnegative(),
  /** null: the layer's map summed over heads. */
  head: z.number().int().nonnegative().nullable(),
  values: z.array(z.number()),
});
export type HeatmapDetail = z.infer<typeof HeatmapDetailSchema>;

export const HeatmapSchema = z.object({
  kind: z.enum(HEATMAP_KINDS),
  tokenIndex: z.number().int().nonnegative().nullable(),
  gh: z.number().int().positive(),
  gw: z.number().int().positive(),
  /** Row-major gh×gw; stored as Float32 little-endian (exact for the engine's fp32 output). */
  values: z.array(z.number()),
  details: z.array(HeatmapDetailSchema).optional(),
});
export type Heatmap = z.infer<typeof HeatmapSchema>;

/** A heatmap read back from the store; `id` is what edited layers refer to. */
export const StoredHeatmapSchema = HeatmapSchema.extend({ id: z.number().int().positive() });
export type StoredHeatmap = z.infer<typeof StoredHeatmapSchema>;

export const RunTimingsSchema = z.record(z.string(), z.number().nonnegative());
export type RunTimings = z.infer<typeof RunTimingsSchema>;

/** One row of a gallery: what a card needs, with the δ aggregates computed at save time. */
export const RunSummarySchema = z.object({
  id: z.number().int().positive(),
  imageSha: Sha256Schema,
  imageName: z.string(),
  promptId: z.number().int().positive(),
  promptText: z.string(),
  modelSha: Sha256Schema,
  modelName: z.string(),
  answer: z.string(),
  status: z.enum(RUN_STATUSES),
  createdAt: IsoTime,
  tokenCount: z.number().int().nonnegative(),
  deltaMean: z.number(),
  deltaMax: z.number(),
  groundedCount: z.number().int().nonnegative(),
  tags: z.array(z.string()),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const RunDetailSchema = RunSummarySchema.extend({
  settings: z.unknown(),
  provenance: z.unknown(),
  timings: RunTimingsSchema,
  tokens: z.array(RunTokenSchema),
  heatmaps: z.array(StoredHeatmapSchema),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;
