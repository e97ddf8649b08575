/**
 * The store's own records (images, prompts, models) as zod schemas plus inferred types. The
 * renderer-facing ones (runs, annotations, galleries) are defined in shared/api and re-exported
 * here so store code has one import.
 */
import { z } from 'zod';
import { Sha256Schema as Sha256 } from '../../shared/api/library';

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

export * from '../../shared/api/runs';
export * from '../../shared/api/annotations';
export * from '../../shared/api/galleries';
