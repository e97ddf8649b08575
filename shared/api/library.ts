/** Projects, files and images as the renderer sees them. */
import { z } from 'zod';

export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 (64 lowercase hex digits)');

/**
 * A path typed or picked in the UI. Checked again on the Node side (absolute, exists, right kind),
 * this only bounds what may cross the boundary at all.
 */
export const PathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

export const ProjectSummarySchema = z.object({
  name: z.string().min(1),
  path: z.string().min(1),
  isSample: z.boolean(),
  imageCount: z.number().int().nonnegative(),
  runCount: z.number().int().nonnegative(),
});
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

export const RecentProjectSchema = z.object({ name: z.string(), path: z.string(), openedAt: z.string() });
export type RecentProject = z.infer<typeof RecentProjectSchema>;

/**
 * Thumbnails are served by URL (`thumbs/<sha256>`, relative to the page) by both hosts, so lists
 * stay small and the browser decodes and caches images off the main thread.
 */
export const THUMBNAIL_PREFIX = 'thumbs/';
export const ThumbnailUrlSchema = z.string().regex(/^thumbs\/[0-9a-f]{64}$/, 'expected thumbs/<sha256>');
export function thumbnailUrl(sha256: string): string {
  return `${THUMBNAIL_PREFIX}${sha256}`;
}

export const ImageSummarySchema = z.object({
  sha256: Sha256Schema,
  name: z.string(),
  format: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  byteSize: z.number().int().positive(),
  /** The thumbnail's URL (see THUMBNAIL_PREFIX); the full image comes from images.get. */
  thumbnail: ThumbnailUrlSchema,
});
export type ImageSummary = z.infer<typeof ImageSummarySchema>;

export const ImportReportSchema = z.object({
  imported: z.array(ImageSummarySchema),
  /** Names of files whose bytes were already in the project. */
  duplicates: z.array(z.string()),
  failures: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const DirectoryListingSchema = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(z.object({ name: z.string(), path: z.string(), kind: z.enum(['directory', 'file']), size: z.number().int().nonnegative() })),
});
export type DirectoryListing = z.infer<typeof DirectoryListingSchema>;
