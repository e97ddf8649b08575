/**
 * The API between the renderer and the Node side, defined once. Both hosts (Electron IPC and the
 * headless HTTP/WebSocket host) validate every payload against these schemas, and the renderer's
 * typed client is derived from them. Methods take and return plain serialisable data; events are
 * named onDidX.
 */
import { z } from 'zod';

// zod compiles object parsers with `new Function` unless told not to; the renderer's CSP forbids
// eval, so every side parses without it (same results, and no CSP violation reports).
z.config({ jitless: true });
import {
  DirectoryListingSchema,
  ImageSummarySchema,
  ImportReportSchema,
  PathSchema,
  ProjectSummarySchema,
  RecentProjectSchema,
  Sha256Schema,
  ThumbnailUrlSchema,
} from './library';
import { AnnotationInputSchema, AnnotationSchema, EditedLayerSchema } from './annotations';
import { EvalRunSchema } from './evaluation';
import { GalleryPageSchema, GalleryQuerySchema, GallerySchema, GalleryFilterSchema } from './galleries';
import { HeadMapsSchema, MapSelectionSchema, ModelSummarySchema, RunFinishSchema, RunProgressSchema, RunSummarySchema, RunViewSchema, StartRunSchema } from './runs';

export const HostKindSchema = z.enum(['electron', 'headless']);
export type HostKind = z.infer<typeof HostKindSchema>;

const Empty = z.object({}).strict();

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: HostKindSchema,
  platform: z.string(),
  /** Versions of the runtimes the host runs on, for provenance and the About box. */
  runtimes: z.record(z.string(), z.string()),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const NoticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string().min(1).max(2000),
});
export type Notice = z.infer<typeof NoticeSchema>;

const ProgressSchema = z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative(), note: z.string().optional() });

/** Default bound on a request body; methods that carry file bytes declare their own. */
export const DEFAULT_MAX_INPUT_BYTES = 1 << 20;

interface MethodSpec {
  input: z.ZodType;
  output: z.ZodType;
  maxInputBytes?: number;
}

export const methods = {
  'app.getInfo': { input: Empty, output: AppInfoSchema },

  'project.getCurrent': { input: Empty, output: ProjectSummarySchema },
  'project.open': { input: z.object({ path: PathSchema }).strict(), output: ProjectSummarySchema },
  'project.create': { input: z.object({ path: PathSchema }).strict(), output: ProjectSummarySchema },
  'project.listRecent': { input: Empty, output: z.array(RecentProjectSchema) },

  /** The in-app file browser (the headless host has no native dialogs). */
  'files.list': {
    input: z.object({ path: PathSchema.optional(), show: z.enum(['images', 'projects', 'all']).default('all') }).strict(),
    output: DirectoryListingSchema,
  },

  'images.list': {
    input: z.object({ offset: z.number().int().nonnegative().default(0), limit: z.number().int().min(1).max(500).default(200) }).strict(),
    output: z.object({ total: z.number().int().nonnegative(), items: z.array(ImageSummarySchema) }),
  },
  /** Files and folders (folders are walked for images; `recursive` walks sub-folders too). */
  'images.import': {
    input: z.object({ paths: z.array(PathSchema).min(1).max(10_000), recursive: z.boolean().default(false) }).strict(),
    output: ImportReportSchema,
  },
  /** Bytes from drag-and-drop, where the page has no path. */
  'images.upload': {
    input: z.object({ name: z.string().min(1).max(255), dataBase64: z.string().min(1).max(96 * 1024 * 1024) }).strict(),
    output: ImportReportSchema,
    maxInputBytes: 100 * 1024 * 1024,
  },
  'images.get': {
    input: z.object({ sha256: Sha256Schema }).strict(),
    output: z.object({ image: ImageSummarySchema, dataUrl: z.string().startsWith('data:image/') }),
  },

  'prompts.list': { input: Empty, output: z.array(z.string()) },
  'models.list': { input: Empty, output: z.array(ModelSummarySchema) },

  /** Starts (or finds cached) a run; progress and the outcome arrive as onDidRun* events. */
  'runs.start': { input: StartRunSchema, output: z.object({ jobId: z.string(), runId: z.number().int().positive().nullable() }) },
  'runs.cancel': { input: z.object({ jobId: z.string().max(100) }).strict(), output: z.object({}) },
  'runs.get': { input: z.object({ runId: z.number().int().positive() }).strict(), output: RunViewSchema },
  'runs.heads': { input: z.object({ runId: z.number().int().positive(), tokenIndex: z.number().int().nonnegative() }).strict(), output: HeadMapsSchema },
  'runs.listForImage': { input: z.object({ imageSha: Sha256Schema }).strict(), output: z.array(RunSummarySchema) },

  'annotations.list': { input: z.object({ runId: z.number().int().positive() }).strict(), output: z.array(AnnotationSchema) },
  'annotations.save': {
    input: z.object({ id: z.number().int().positive().optional(), annotation: AnnotationInputSchema }).strict(),
    output: AnnotationSchema,
  },
  /** Analyst-edited heatmap layers: saved beside the computed maps, which are never changed. */
  'editedLayers.list': { input: z.object({ runId: z.number().int().positive() }).strict(), output: z.array(EditedLayerSchema) },
  'editedLayers.save': {
    input: z
      .object({
        id: z.number().int().positive().optional(),
        runId: z.number().int().positive(),
        name: z.string().trim().min(1).max(200),
        gh: z.number().int().positive().max(1024),
        gw: z.number().int().positive().max(1024),
        values: z.array(z.number().finite()).max(1024 * 1024),
      })
      .strict()
      .refine((layer) => layer.values.length === layer.gh * layer.gw, 'values must hold gh × gw numbers'),
    output: EditedLayerSchema,
  },
  'editedLayers.delete': { input: z.object({ id: z.number().int().positive() }).strict(), output: z.object({ deleted: z.boolean() }) },
  'annotations.delete': { input: z.object({ id: z.number().int().positive() }).strict(), output: z.object({ deleted: z.boolean() }) },

  'gallery.query': {
    input: GalleryQuerySchema.strict(),
    output: GalleryPageSchema.extend({ items: z.array(RunSummarySchema.extend({ thumbnail: ThumbnailUrlSchema })) }),
  },
  'galleries.list': { input: Empty, output: z.array(GallerySchema) },
  'galleries.save': {
    input: z.object({ id: z.number().int().positive().optional(), name: z.string().trim().min(1).max(200), filter: GalleryFilterSchema }).strict(),
    output: GallerySchema,
  },
  'galleries.pin': {
    input: z.object({ galleryId: z.number().int().positive(), runId: z.number().int().positive(), pinned: z.boolean() }).strict(),
    output: GallerySchema,
  },

  /** Evaluation runs stored by `dexar eval --project` (metrics.json documents), newest first. */
  'evaluations.list': { input: Empty, output: z.array(EvalRunSchema) },

  /** A review-board report (PDF) of a run, a comparison or a gallery, or one run as an annotated PNG. */
  'reports.export': {
    input: z
      .object({
        source: z.union([
          z.object({ runId: z.number().int().positive() }).strict(),
          z.object({ runIds: z.array(z.number().int().positive()).min(1).max(500) }).strict(),
          z.object({ galleryId: z.number().int().positive() }).strict(),
        ]),
        format: z.enum(['pdf', 'png']),
        path: PathSchema,
        map: MapSelectionSchema.optional(),
      })
      .strict(),
    output: z.object({ path: z.string(), sha256: Sha256Schema, redacted: z.boolean(), bytes: z.number().int().nonnegative() }),
  },
} as const satisfies Record<string, MethodSpec>;

export const events = {
  onDidNotify: NoticeSchema,
  onDidChangeProject: ProjectSummarySchema,
  onDidImportProgress: ProgressSchema,
  onDidRunProgress: RunProgressSchema,
  onDidRunFinish: RunFinishSchema,
  onDidReportProgress: ProgressSchema,
} as const;

export function maxInputBytes(method: MethodName): number {
  const spec: MethodSpec = methods[method];
  return spec.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
}

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
/** What a handler receives: the input after validation, defaults filled in. */
export type MethodParsedInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<(typeof methods)[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/**
 * The one API object the renderer sees as `window.dexar`, whichever host serves it.
 * `invoke` rejects with an Error whose message starts with the method name.
 */
export interface DexarApi {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Electron IPC channel names, derived so the preload forwards only the app's own channels. */
export const IPC_INVOKE_PREFIX = 'dexar:invoke:';
export const IPC_EVENT_PREFIX = 'dexar:event:';
