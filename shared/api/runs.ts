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
export const MapSelectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sentence') }).strict(),
  z.object({ kind: z.literal('token'), index: z.number().int().nonnegative() }).strict(),
]);
export type MapSelection = z.infer<typeof MapSelectionSchema>;

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
  /** The head filter weight w_{l,t,h} (null where it was not recorded). */
  weight: z.number().nullable().optional(),
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

/** What the renderer may ask of a run: the engine settings, validated at the boundary. */
export const RunSettingsSchema = z
  .object({
    /** Layer spec as the CLI takes it ("20-31", "1,3"); empty/absent = the bundle's default. */
    layers: z.string().max(200).regex(/^[0-9,\- ]*$/, 'layers: digits, commas and ranges only').optional(),
    topK: z.number().int().min(1).max(64).default(1),
    normTwiceLast: z.boolean().optional(),
    dropColumnAfterImage: z.boolean().optional(),
    maxNewTokens: z.number().int().min(1).max(512).default(32),
    sampling: z
      .object({
        strategy: z.enum(['greedy', 'sample']),
        temperature: z.number().positive().max(10),
        topP: z.number().gt(0).max(1),
        seed: z.number().int().nonnegative().max(2 ** 31),
      })
      .default({ strategy: 'greedy', temperature: 1, topP: 1, seed: 0 }),
    providers: z.array(z.enum(['cuda', 'dml', 'coreml', 'cpu'])).min(1).max(4).default(['cpu']),
  })
  .strict();
export type RunSettings = z.output<typeof RunSettingsSchema>;

export const StartRunSchema = z
  .object({
    imageSha: Sha256Schema,
    prompt: z.string().trim().min(1, 'the prompt is empty').max(4000),
    /** Built-in bundle name or bundle folder (see models.list). */
    model: z.string().min(1).max(4096),
    settings: RunSettingsSchema.prefault({}),
    /** Teacher forcing: explain this answer instead of generating. */
    answer: z.string().min(1).max(4000).optional(),
    /** With `answer`: explain `alternativeId` at token `position` instead (counterfactual). */
    counterfactual: z.object({ position: z.number().int().nonnegative(), alternativeId: z.number().int().nonnegative() }).optional(),
  })
  .strict();
export type StartRun = z.input<typeof StartRunSchema>;

/** The geometric part of a model's preprocessing, for mapping grid maps onto the image. */
export const DisplayGeometrySchema = z.object({
  pad: z.object({ mode: z.enum(['none', 'square']) }),
  resize: z.object({ enabled: z.boolean(), mode: z.enum(['shortest_edge', 'exact']), size: z.array(z.number().int().positive()).length(2) }),
  crop: z.object({ mode: z.enum(['center', 'none']), size: z.array(z.number().int().positive()).length(2) }),
});
export type DisplayGeometry = z.infer<typeof DisplayGeometrySchema>;

export const ModelSummarySchema = z.object({
  ref: z.string(),
  name: z.string(),
  family: z.string(),
  manifestSha256: Sha256Schema,
  grid: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  numLayers: z.number().int().positive(),
  /** The layers DEX-AR explains when the run does not say (the bundle's manifest.explain.default_layers). */
  defaultLayers: z.array(z.number().int().nonnegative()).min(1),
  imageSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  geometry: DisplayGeometrySchema,
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

export const RunViewSchema = RunDetailSchema.extend({ geometry: DisplayGeometrySchema });
export type RunView = z.infer<typeof RunViewSchema>;

export const RunProgressSchema = z.object({
  jobId: z.string(),
  phase: z.enum(['queued', 'load', 'preprocess', 'explain', 'token', 'saving', 'done']),
  token: RunTokenSchema.optional(),
  /** E_t of `token` on the grid, row-major (online explanation). */
  map: z.array(z.number()).optional(),
  grid: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
});
export type RunProgress = z.infer<typeof RunProgressSchema>;

export const RunFinishSchema = z.object({
  jobId: z.string(),
  status: z.enum(['complete', 'failed', 'cancelled']),
  runId: z.number().int().positive().nullable(),
  cached: z.boolean(),
  error: z.string().optional(),
});
export type RunFinish = z.infer<typeof RunFinishSchema>;

/** The head browser's data: every explained layer and head of one token, with its filter weight. */
export const HeadMapsSchema = z.object({
  tokenIndex: z.number().int().nonnegative(),
  grid: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  layers: z.array(z.number().int().nonnegative()),
  heads: z.number().int().nonnegative(),
  /** Row-major by layer then head; empty when the run kept no per-head detail (large models). */
  maps: z.array(z.object({ layer: z.number().int(), head: z.number().int(), weight: z.number().nullable(), values: z.array(z.number()) })),
});
export type HeadMaps = z.infer<typeof HeadMapsSchema>;
