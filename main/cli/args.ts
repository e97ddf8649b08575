/** Small helpers every `dexar` subcommand uses to read its flags and fail with one clear line. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A user mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port expects an integer 0–65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** A flag that must be a positive integer: undefined when absent, a one-line usage error when wrong. */
export function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} expects a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
