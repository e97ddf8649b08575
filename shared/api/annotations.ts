/**
 * An analyst's finding on a run: failure tags, severity, a note, and regions drawn on the image
 * (in image pixel coordinates) linked to a span of answer tokens.
 */
import { z } from 'zod';

export const FAILURE_TAGS = [
  'hallucinated object',
  'wrong attribute',
  'wrong count',
  'mislocalized',
  'spurious correlation',
  'linguistic bias',
  'other',
] as const;
export const FailureTagSchema = z.enum(FAILURE_TAGS);
export type FailureTag = z.infer<typeof FailureTagSchema>;

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

const coordinate = z.number().finite();

export const RegionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('box'), x: coordinate, y: coordinate, width: z.number().positive(), height: z.number().positive() }),
  /** Flat [x0, y0, x1, y1, …], at least three vertices. */
  z.object({ kind: z.literal('polygon'), points: z.array(coordinate).min(6).max(20_000).refine((p) => p.length % 2 === 0, 'points must be x,y pairs') }),
  /** Brush strokes as flat point lists painted with a round brush of `radius` pixels. */
  z.object({
    kind: z.literal('brush'),
    radius: z.number().positive().max(1000),
    strokes: z.array(z.array(coordinate).min(2).max(100_000).refine((p) => p.length % 2 === 0, 'points must be x,y pairs')).min(1).max(1000),
  }),
]);
export type RegionShape = z.infer<typeof RegionSchema>;

export const TokenSpanSchema = z
  .object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })
  .refine((span) => span.end >= span.start, 'span end must not precede its start');
export type TokenSpan = z.infer<typeof TokenSpanSchema>;

export const AnnotatedRegionSchema = z.object({
  shape: RegionSchema,
  /** Blurred in every export (reports, PNGs). */
  sensitive: z.boolean(),
});
export type AnnotatedRegion = z.infer<typeof AnnotatedRegionSchema>;

export const AnnotationDraftSchema = z.object({
  tags: z.array(FailureTagSchema).max(FAILURE_TAGS.length),
  severity: SeveritySchema,
  note: z.string().max(20_000),
  regions: z.array(AnnotatedRegionSchema).max(500),
  tokenSpan: TokenSpanSchema.nullable(),
});
export type AnnotationDraft = z.infer<typeof AnnotationDraftSchema>;
