/**
 * Evaluation results (issue 9, DESIGN §4) as `dexar eval` writes them to metrics.json and as a
 * project stores them: pooled metrics per method, overall and per template/category, with the
 * settings and provenance that produced them. Field names are the metrics.json ones (snake_case).
 */
import { z } from 'zod';

const Count = z.number().int().nonnegative();
/** Undefined statistics (no grounded token, SNR with a zero denominator …) are null, never NaN. */
const Stat = z.number().finite().nullable();

export const PerturbationSummarySchema = z.object({
  /** p in percent: 0, 10, …, 90. */
  percents: z.array(z.number()),
  /** Mean PPL_p / PPL_0 over questions, one value per p. */
  positive_curve: z.array(z.number()),
  negative_curve: z.array(z.number()),
  /** Mean and median over questions of the per-question trapezoid AUC over p in [0, 0.9]. */
  auc_positive: z.number(),
  auc_negative: z.number(),
  auc_positive_median: z.number(),
  auc_negative_median: z.number(),
  questions: Count,
});

export const MethodSummarySchema = z.object({
  /** Mean pointing-game score over every grounded token (tie-aware). */
  pointing_game: Stat,
  grounded_tokens: Count,
  /** Mean Soft-IoU of the sentence map vs the union of grounded masks, over questions with one. */
  soft_iou: Stat,
  soft_iou_questions: Count,
  snr_map_mean: Stat,
  snr_map_median: Stat,
  snr_map_questions: Count,
  /** Pooled mean weight of grounded tokens / of linguistic tokens; null when the latter is 0. */
  snr_tokens: Stat,
  grounded_weight_mean: Stat,
  linguistic_weight_mean: Stat,
  perturbation: PerturbationSummarySchema.nullable(),
});
export type MethodSummary = z.infer<typeof MethodSummarySchema>;

export const GroupSummarySchema = z.object({
  questions: Count,
  /** Share of exact (normalised) greedy answers. */
  accuracy: z.number().min(0).max(1),
  /** By method name: dexar, dexar-unfiltered, attention, random. */
  methods: z.record(z.string(), MethodSummarySchema),
});
export type GroupSummary = z.infer<typeof GroupSummarySchema>;

/** The arguments that determine the numbers (run.json "args"; a resumed run must repeat them). */
export const EvalSettingsSchema = z.object({
  model: z.string(),
  bundle_sha256: z.string(),
  dataset: z.string(),
  annotations_sha256: z.string(),
  limit: z.number().int().positive().nullable(),
  methods: z.array(z.string()),
  perturbation: z.boolean(),
  layers: z.array(z.number().int().nonnegative()),
  top_k: z.number().int().positive(),
  norm_twice_last: z.boolean(),
  drop_column_after_image: z.boolean(),
  head_filter: z.boolean(),
  sequence_filter: z.boolean(),
  seed: z.number().int().nonnegative(),
  extra_new_tokens: Count,
});
export type EvalSettings = z.infer<typeof EvalSettingsSchema>;

export const EvalProvenanceSchema = z.object({
  app_version: z.string(),
  bundle: z.object({ name: z.string(), path: z.string(), family: z.string(), manifest_sha256: z.string() }),
  providers: z.record(z.string(), z.string()),
  provider_notices: z.array(z.object({ requested: z.string(), reason: z.string() })),
  dataset: z.object({ path: z.string(), annotations_sha256: z.string(), questions_total: Count }),
  limit: z.number().int().positive().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type EvalProvenance = z.infer<typeof EvalProvenanceSchema>;

export const METRICS_FORMAT = 'dexar-eval-metrics';

/** metrics.json. */
export const MetricsDocumentSchema = z.object({
  format: z.literal(METRICS_FORMAT),
  format_version: z.number().int().positive(),
  /** False while questions of the selection are still missing (interrupted run). */
  complete: z.boolean(),
  questions: z.object({ selected: Count, evaluated: Count }),
  settings: EvalSettingsSchema,
  provenance: EvalProvenanceSchema,
  overall: GroupSummarySchema,
  groups: z.record(z.string(), GroupSummarySchema),
});
export type MetricsDocument = z.infer<typeof MetricsDocumentSchema>;

/** One evaluation stored in a project: its metrics.json plus the store's id. */
export const EvalRunSchema = MetricsDocumentSchema.extend({ id: z.number().int().positive() });
export type EvalRun = z.infer<typeof EvalRunSchema>;
