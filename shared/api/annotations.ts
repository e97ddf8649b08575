/**
 * An analyst's finding on a run: one failure tag from the taxonomy, a severity, notes, regions
 * on the image (original-image pixel coordinates) and the answer tokens it concerns. Several
 * findings may be attached to one run.
 */
import { z } from 'zod';

const IsoTime = z.string();

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

/** How the UI names each tag. */
export const FAILURE_TAG_LABELS: Readonly<Record<FailureTag, string>> = {
  'hallucinated-object': 'Hallucinated object',
  'wrong-attribute': 'Wrong attribute',
  'wrong-count': 'Wrong count',
  mislocalized: 'Mislocalized',
  'spurious-correlation': 'Spurious correlation',
  'linguistic-bias': 'Linguistic bias',
  other: 'Other',
};
