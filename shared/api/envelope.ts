/**
 * The one shape in which results and errors cross a process boundary (IPC, HTTP, worker).
 * Errors are rethrown on the calling side with the method name as prefix so a message read in
 * the UI or a log always says which call failed.
 */
import { z } from 'zod';

export const ERROR_KINDS = ['validation', 'not-found', 'unsupported', 'cancelled', 'internal'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const ErrorEnvelopeSchema = z.object({
  ok: z.literal(false),
  error: z.object({ name: z.string(), message: z.string() }),
  kind: z.enum(ERROR_KINDS),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

export type Envelope<T> = { ok: true; value: T } | ErrorEnvelope;

/** A domain error that knows its kind; anything else crossing a boundary becomes 'internal'. */
export class DexarError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    name = 'DexarError',
  ) {
    super(message);
    this.name = name;
  }
}

/** The payload did not match the contract: says which field was wrong and how. */
export class ValidationError extends DexarError {
  constructor(message: string) {
    super('validation', message, 'ValidationError');
  }
}

export function toErrorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof DexarError) {
    return { ok: false, error: { name: err.name, message: err.message }, kind: err.kind };
  }
  if (err instanceof Error) {
    return { ok: false, error: { name: err.name, message: err.message }, kind: 'internal' };
  }
  return { ok: false, error: { name: 'Error', message: String(err) }, kind: 'internal' };
}

/** Unwraps an envelope received from the other side, rethrowing failures as DexarError. */
export function unwrapEnvelope<T>(method: string, raw: unknown): T {
  if (typeof raw === 'object' && raw !== null && (raw as { ok?: unknown }).ok === true) {
    return (raw as { value: T }).value;
  }
  const parsed = ErrorEnvelopeSchema.safeParse(raw);
  if (parsed.success) {
    const { error, kind } = parsed.data;
    throw new DexarError(kind, `${method}: ${error.message}`, error.name);
  }
  throw new DexarError('internal', `${method}: malformed response from host`);
}

/** One readable line from a zod failure: `field.path: problem; other: problem`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
}
