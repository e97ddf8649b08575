/**
 * The store's records as the rest of the app (and later the renderer) sees them: zod schemas
 * plus inferred types. Plain serialisable data only — heatmap values travel as number arrays.
 * TODO(issue 6): the lead moves the renderer-facing schemas into shared/api.
 */
import { z } from 'zod';
import { RunTokenSchema } from '../../shared/api/runs';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (sha256)');
const IsoTime = z.string();

export const IMAGE_FORMATS = ['png', 'jpeg', 'webp', 'gif'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const ImageRecordSchema = z.object({
  sha256: Sha256,
  name: z.string().min(1),
  format: z.enum(IMAGE_FORMATS),
  byteSize: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  importedAt: IsoTime,
});
export type ImageRecord = z.infer<typeof ImageRecordSchema>;

export const PromptRecordSchema = z.object({ id: z.number().int().positive(), text: z.string(), createdAt: IsoTime });
export type PromptRecord = z.infer<typeof PromptRecordSchema>;

export const ModelRecordSchema = z.object({
  sha256: Sha256,
  name: z.string().min(1),
  /** The bundle's manifest.json as parsed JSON (DESIGN §2). */
  manifest: z.unknown(),
  addedAt: IsoTime,
});
export type ModelRecord = z.infer<typeof ModelRecordSchema>;

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
  imageSha: Sha256,
  imageName: z.string(),
  promptId: z.number().int().positive(),
  promptText: z.string(),
  modelSha: Sha256,
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

export const FAILURE_TAGS = [
  'hallucinated-object',
  'wrong-attribute',
  'wrong-count',
  'mislocalized',
  'spurious-correlation',
  'linguistic-bias',
  'other',
] as const;
export type FailureTag = (typeof FAILURE_TAGS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Regions are in original-image pixel coordinates. */
export const RegionSchema = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('box'), x: z.number(), y: z.number(), width: z.number().positive(), height: z.number().positive() }),
  z.object({ shape: z.literal('polygon'), points: z.array(z.tuple([z.number(), z.number()])).min(3) }),
  z.object({
    shape: z.literal('mask'),
    /** Bounding box of the brush mask in image pixels; bits cover width×height row-major. */
    x: z.number().int(),
    y: z.number().int(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    /** One 0/1 entry per pixel of the bounding box. */
    bits: z.array(z.union([z.literal(0), z.literal(1)])),
  }),
]);
export type Region = z.infer<typeof RegionSchema>;

export const TokenSpanSchema = z
  .object({ start: z.number().int().nonnegative(), end: z.number().int().positive() })
  .refine((s) => s.end > s.start, 'token span end must be after start (end is exclusive)');
export type TokenSpan = z.infer<typeof TokenSpanSchema>;

export const AnnotationInputSchema = z.object({
  runId: z.number().int().positive(),
  tag: z.enum(FAILURE_TAGS),
  severity: z.enum(SEVERITIES),
  notes: z.string().default(''),
  tokenSpan: TokenSpanSchema.nullable().default(null),
  regions: z.array(RegionSchema).default([]),
  /** Marks content to be redacted from exported reports. */
  sensitive: z.boolean().default(false),
});
export type AnnotationInput = z.input<typeof AnnotationInputSchema>;

export const AnnotationSchema = z.object({
  id: z.number().int().positive(),
  runId: z.number().int().positive(),
  tag: z.enum(FAILURE_TAGS),
  severity: z.enum(SEVERITIES),
  notes: z.string(),
  tokenSpan: TokenSpanSchema.nullable(),
  regions: z.array(RegionSchema),
  sensitive: z.boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Annotation = z.infer<typeof AnnotationSchema>;

/** An analyst-painted layer; computed heatmaps are never overwritten (they are immutable rows). */
export const EditedLayerSchema = z.object({
  id: z.number().int().positive(),
  runId: z.number().int().positive(),
  /** The computed map it started from, if any. */
  baseHeatmapId: z.number().int().positive().nullable(),
  name: z.string().min(1),
  gh: z.number().int().positive(),
  gw: z.number().int().positive(),
  values: z.array(z.number()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type EditedLayer = z.infer<typeof EditedLayerSchema>;

export const GALLERY_SORT_KEYS = ['created', 'deltaMean', 'deltaMax', 'groundedCount', 'imageName'] as const;

export const GalleryFilterSchema = z.object({
  /** Runs with at least one annotation carrying any of these tags. */
  tags: z.array(z.enum(FAILURE_TAGS)).optional(),
  /** Only runs pinned in this gallery. */
  pinnedIn: z.number().int().positive().optional(),
  modelShas: z.array(Sha256).optional(),
  /** Words that must all occur in the prompt (prefix match, case-insensitive). */
  promptText: z.string().optional(),
  deltaMeanMin: z.number().optional(),
  deltaMeanMax: z.number().optional(),
  deltaMaxMin: z.number().optional(),
  deltaMaxMax: z.number().optional(),
  groundedMin: z.number().int().optional(),
  status: z.enum(RUN_STATUSES).optional(),
});
export type GalleryFilter = z.infer<typeof GalleryFilterSchema>;

export const GalleryQuerySchema = z.object({
  filter: GalleryFilterSchema.default({}),
  sort: z.object({ by: z.enum(GALLERY_SORT_KEYS), dir: z.enum(['asc', 'desc']) }).default({ by: 'created', dir: 'desc' }),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().nonnegative().default(0),
});
export type GalleryQuery = z.input<typeof GalleryQuerySchema>;

export const GalleryPageSchema = z.object({ total: z.number().int().nonnegative(), items: z.array(RunSummarySchema) });
export type GalleryPage = z.infer<typeof GalleryPageSchema>;

export const GallerySchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  filter: GalleryFilterSchema,
  pinnedRunIds: z.array(z.number().int().positive()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Gallery = z.infer<typeof GallerySchema>;

export const REPORT_FORMATS = ['pdf', 'png', 'project'] as const;
export const ReportExportSchema = z.object({
  id: z.number().int().positive(),
  format: z.enum(REPORT_FORMATS),
  path: z.string(),
  runIds: z.array(z.number().int().positive()),
  galleryId: z.number().int().positive().nullable(),
  redacted: z.boolean(),
  /** sha256 of the written file, when known. */
  sha256: Sha256.nullable(),
  createdAt: IsoTime,
});
export type ReportExport = z.infer<typeof ReportExportSchema>;
