/**
 * Opening a project file safely. Nothing is written until the file has been proven to be a
 * DEX-AR project this build understands: the header is read raw, then a read-only connection
 * checks application_id, user_version and `PRAGMA quick_check`. Only then is it opened for
 * writing (WAL, foreign keys, busy timeout) and migrated forward.
 */
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CorruptProjectError, NewerProjectVersionError, NotAProjectError, ProjectFileMissingError } from './errors';
import { DEXAR_APPLICATION_ID } from './migrations/0010-core';
import { LATEST_SCHEMA_VERSION, migrate } from './migrations/index';
import { sqliteBindingOptions } from './native-binding';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** SQLite result codes that mean "the bytes are wrong", as opposed to I/O or locking trouble. */
const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

export interface OpenOptions {
  /** Create a new project when the file does not exist (default false). */
  create?: boolean;
  /** Migrate only up to this version (tests of migrations); default: latest. */
  targetVersion?: number;
  /** ms to wait for another connection's write lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

/** A better-sqlite3 connection through the addon built for this runtime (Node or Electron). */
export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, { ...options, ...sqliteBindingOptions() });
}

export function openProjectDatabase(path: string, options: OpenOptions = {}): Database.Database {
  const file = resolve(path);
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new NotAProjectError(file, 'it is not a regular file');
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!options.create) throw new ProjectFileMissingError(file);
    return createProject(file, options);
  }
  if (size === 0) throw new NotAProjectError(file, 'the file is empty (0 bytes)');
  checkHeader(file);
  inspectReadOnly(file);
  const db = openSqlite(file, { fileMustExist: true });
  try {
    configure(db, options);
    migrate(db, options.targetVersion);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function createProject(file: string, options: OpenOptions): Database.Database {
  const db = openSqlite(file);
  try {
    configure(db, options);
    migrate(db, options.targetVersion);
    return db;
  } catch (err) {
    db.close();
    // Nothing of the analyst's is in a file we just created; leave no half-made project behind.
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    throw err;
  }
}

function configure(db: Database.Database, options: OpenOptions): void {
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('journal_mode = WAL');
  // FULL: a committed run survives power loss, not only a crash; one fsync per commit.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
}

function checkHeader(file: string): void {
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) {
    const shown = header.subarray(0, Math.min(read, 16));
    const printable = shown.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    throw new NotAProjectError(file, `expected the SQLite header "SQLite format 3", found ${read} bytes starting "${printable}"`);
  }
}

/** Read-only look at the file; throws a typed error for anything we must not write to. */
function inspectReadOnly(file: string): void {
  let db: Database.Database | undefined;
  try {
    db = openSqlite(file, { readonly: true, fileMustExist: true });
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    if (userVersion > LATEST_SCHEMA_VERSION) throw new NewerProjectVersionError(file, userVersion, LATEST_SCHEMA_VERSION);
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    const blank = applicationId === 0 && userVersion === 0 && tables.n === 0;
    if (applicationId !== DEXAR_APPLICATION_ID && !blank) {
      throw new NotAProjectError(file, `it is a SQLite database of another application (application_id ${applicationId}, expected ${DEXAR_APPLICATION_ID})`);
    }
    const check = db.pragma('quick_check') as { quick_check: string }[];
    const messages = check.map((row) => row.quick_check);
    if (messages.length !== 1 || messages[0] !== 'ok') {
      throw new CorruptProjectError(file, `PRAGMA quick_check reported: ${messages.slice(0, 3).join('; ')}`);
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && DAMAGE_CODES.has(code)) throw new CorruptProjectError(file, `${code}: ${(err as Error).message}`);
    throw err;
  } finally {
    db?.close();
  }
}
