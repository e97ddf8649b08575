/**
 * The plain-data input of every report export: one ReportCase per run shown, plus the report's
 * metadata. Rendering depends only on these shapes, never on the store, so the renderer can be
 * tested with synthetic cases and fed from a run, a comparison or a gallery alike.
 */
import { z } from 'zod';
import { FAILURE_TAGS, RegionSchema, SEVERITIES, TokenSpanSchema } from '../../shared/api/annotations';
import { DisplayGeometrySchema, RUN_STATUSES } from '../../shared/api/runs';
import { COLORMAP_NAMES, type ColormapName } from '../../shared/heatmap/colormap';
import { answerPieces } from '../../shared/text/answer-pieces';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

export const ReportImageSchema = z.object({
  /** The original encoded bytes (PNG, JPEG, WebP …) exactly as imported. */
  bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected the image bytes as a Uint8Array'),
  /** Native size in pixels; the exported PNG has exactly this size. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  name: z.string(),
});
export type ReportImage = z.infer<typeof ReportImageSchema>;

/** The map the analyst chose to display, on the model's patch grid, with what maps it onto the image. */
export const ReportOverlaySchema = z
  .object({
    /** What the map is, as the report captions it ("Sentence map (DEX-AR)", "token “red”"). */
    label: z.string(),
    gh: z.number().int().positive(),
    gw: z.number().int().positive(),
    /** Row-major gh×gw values. */
    values: z.array(z.number()),
    /** The model's preprocessing geometry: the inverse puts each map pixel on the image pixel the model saw. */
    geometry: DisplayGeometrySchema,
  })
  .refine((m) => m.values.length === m.gh * m.gw, { message: 'overlay values must hold gh×gw entries' });
export type ReportOverlay = z.infer<typeof ReportOverlaySchema>;

export const ReportStyleSchema = z.object({
  colormap: z.enum(COLORMAP_NAMES as [ColormapName, ...ColormapName[]]),
  opacity: z.number().min(0).max(1),
  threshold: z.number().min(0).max(1),
  alphaByValue: z.boolean().default(false),
  range: z.tuple([z.number(), z.number()]).default([0, 1]),
});
export type ReportStyle = z.output<typeof ReportStyleSchema>;

export const ReportTokenSchema = z.object({
  index: z.number().int().nonnegative(),
  text: z.string(),
  /** δ_t ≥ 0 (DESIGN §3): how visual the token is. */
  delta: z.number().nonnegative(),
  grounded: z.boolean(),
});
export type ReportToken = z.infer<typeof ReportTokenSchema>;

/** E_t of one grounded token, on the same grid and geometry as the overlay. */
export const ReportTokenMapSchema = z.object({
  tokenIndex: z.number().int().nonnegative(),
  values: z.array(z.number()),
});
export type ReportTokenMap = z.infer<typeof ReportTokenMapSchema>;

export const ReportRegionSchema = z.object({
  /** Box, polygon or brush mask in original-image pixels. */
  area: RegionSchema,
  /** Blurred in every export before anything is drawn over it. */
  sensitive: z.boolean(),
  /** Answer tokens the region is about (end exclusive), if linked. */
  tokenSpan: TokenSpanSchema.nullable(),
});
export type ReportRegion = z.infer<typeof ReportRegionSchema>;

export const ReportAnnotationSchema = z.object({
  tag: z.enum(FAILURE_TAGS),
  severity: z.enum(SEVERITIES),
  notes: z.string(),
  tokenSpan: TokenSpanSchema.nullable(),
  regions: z.array(ReportRegionSchema),
});
export type ReportAnnotation = z.infer<typeof ReportAnnotationSchema>;

export const ReportProvenanceSchema = z.object({
  modelName: z.string(),
  modelSha256: Sha256,
  /** Execution provider the run used (cpu, cuda …). */
  provider: z.string(),
  /** Engine settings as saved with the run (layers, top-k, sampling …). */
  settings: z.record(z.string(), z.unknown()),
  appVersion: z.string(),
});
export type ReportProvenance = z.infer<typeof ReportProvenanceSchema>;

export const ReportCaseSchema = z
  .object({
    /** How the report names the case ("Run 12"). */
    title: z.string(),
    /** A failed or cancelled run is marked as such on its page: its answer and maps are partial. */
    status: z.enum(RUN_STATUSES).default('complete'),
    image: ReportImageSchema,
    overlay: ReportOverlaySchema,
    style: ReportStyleSchema,
    prompt: z.string(),
    /** The decoded answer as the run stored it: where the spaces between tokens fall. */
    answer: z.string(),
    tokens: z.array(ReportTokenSchema),
    tokenMaps: z.array(ReportTokenMapSchema),
    annotations: z.array(ReportAnnotationSchema),
    /** Evaluation numbers where present (soft-IoU, pointing game …), shown as a table. */
    metrics: z.record(z.string(), z.number()).optional(),
    provenance: ReportProvenanceSchema,
  })
  .superRefine((c, ctx) => {
    const cells = c.overlay.gh * c.overlay.gw;
    // Token spans and the answer's spacing address tokens by position.
    c.tokens.forEach((t, i) => {
      if (t.index !== i) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'index'], message: `expected token ${i} here (tokens are listed in answer order from 0), found ${t.index}` });
    });
    c.tokenMaps.forEach((m, i) => {
      if (m.values.length !== cells) ctx.addIssue({ code: 'custom', path: ['tokenMaps', i, 'values'], message: `expected ${cells} values (the overlay's ${c.overlay.gh}×${c.overlay.gw} grid), found ${m.values.length}` });
      if (!c.tokens.some((t) => t.index === m.tokenIndex)) ctx.addIssue({ code: 'custom', path: ['tokenMaps', i, 'tokenIndex'], message: `token ${m.tokenIndex} is not in the answer` });
    });
  })
  // Each token as the answer reads it (with the gap before it), for the answer line and quotes.
  .transform((c) => ({ ...c, pieces: answerPieces(c.answer, c.tokens.map((t) => t.text)) }));
export type ReportCase = z.input<typeof ReportCaseSchema>;
export type ParsedReportCase = z.output<typeof ReportCaseSchema>;

export const ReportMetaSchema = z.object({
  projectName: z.string(),
  /** Printed on the cover and used as the PDF's creation/modification date and ID seed. */
  date: z.date(),
  title: z.string(),
  /** A comparison: the runs side by side after the cover, every answer shaded on one δ scale. */
  comparison: z.boolean().default(false),
});
export type ReportMeta = z.input<typeof ReportMetaSchema>;
export type ParsedReportMeta = z.output<typeof ReportMetaSchema>;
