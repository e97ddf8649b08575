/**
 * The API between the renderer and the Node side, defined once. Both hosts (Electron IPC and the
 * headless HTTP/WebSocket host) validate every payload against these schemas, and the renderer's
 * typed client is derived from them. Methods take and return plain serialisable data; events are
 * named onDidX.
 */
import { z } from 'zod';

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

export const ProjectSummarySchema = z.object({
  name: z.string().min(1),
  path: z.string().min(1),
  isSample: z.boolean(),
});
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

export const NoticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string().min(1).max(2000),
});
export type Notice = z.infer<typeof NoticeSchema>;

export const methods = {
  'app.getInfo': { input: Empty, output: AppInfoSchema },
  'project.getCurrent': { input: Empty, output: ProjectSummarySchema },
} as const;

export const events = {
  onDidNotify: NoticeSchema,
  onDidChangeProject: ProjectSummarySchema,
} as const;

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
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
