/**
 * Readers take a ReadableDB, writers a WritableDB (Signal's `ReadableDB`/`WritableDB` idea):
 * the type says which functions may change the file, and only the Project hands out the latter.
 */
import type { Database } from 'better-sqlite3';

declare const readable: unique symbol;
declare const writable: unique symbol;

export type ReadableDB = Database & { readonly [readable]: true };
export type WritableDB = ReadableDB & { readonly [writable]: true };

export function nowIso(): string {
  return new Date().toISOString();
}
