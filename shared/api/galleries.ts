/** Galleries (saved filters over runs, with pinned items) and the report export log. */
import { z } from 'zod';
import { Sha256Schema } from './library';
import { FAILURE_TAGS } from './annotations';
import { RUN_STATUSES, RunSummarySchema } from './runs';

const IsoTime = z.string();

export const GALLERY_SORT_KEYS = ['created', 'deltaMean', 'deltaMax', 'groundedCount', 'imageName'] as const;

export const GalleryFilterSchema = z.object({
  /** Runs with at least one annotation carrying any of these tags. */
  tags: z.array(z.enum(FAILURE_TAGS)).optional(),
  /** Only runs pinned in this gallery. */
  pinnedIn: z.number().int().positive().optional(),
  modelShas: z.array(Sha256Schema).optional(),
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
  sha256: Sha256Schema.nullable(),
  createdAt: IsoTime,
});
export type ReportExport = z.infer<typeof ReportExportSchema>;
