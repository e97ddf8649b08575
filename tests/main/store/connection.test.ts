import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { syntheticRun } from '../../../main/store/bench-data';
import {
  CorruptProjectError,
  LATEST_SCHEMA_VERSION,
  NewerProjectVersionError,
  NotAProjectError,
  openProject,
  ProjectFileMissingError,
} from '../../../main/store/index';
import { MODEL_SHA, projectWithImage, sha256File, tempDir } from './fixtures/helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** Opening must fail with `errorType` and leave the file's bytes exactly as they were. */
function expectRefusedUntouched(path: string, errorType: new (...args: never[]) => Error, message: RegExp): void {
  const before = sha256File(path);
  let caught: unknown;
  try {
    openProject(path).close();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(errorType);
  expect((caught as Error).message).toMatch(message);
  expect(sha256File(path)).toBe(before);
}

async function savedProject(path: string): Promise<void> {
  const { project, imageSha } = await projectWithImage(path);
  project.saveRun(syntheticRun({ imageSha, modelSha: MODEL_SHA, promptText: 'p', seed: 1, tokens: 3, grid: 8 }));
  project.close();
}

describe('store/connection.openProjectDatabase', () => {
  it('creates a WAL project with foreign keys on at the latest schema', () => {
    const path = join(tmp.dir, 'new project ✓ ünïcode.dexar');
    const project = openProject(path, { create: true });
    expect(project.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    project.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('application_id', { simple: true })).toBe(0x44584152);
    raw.close();
  });

  it('does not create a missing file unless asked', () => {
    const path = join(tmp.dir, 'missing.dexar');
    expect(() => openProject(path)).toThrow(ProjectFileMissingError);
    expect(() => openProject(path)).toThrow(`project file ${path} does not exist`);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a file that is not SQLite, unchanged', () => {
    const path = join(tmp.dir, 'notes.dexar');
    writeFileSync(path, 'These are my notes, not a database.\n'.repeat(20));
    expectRefusedUntouched(path, NotAProjectError, /expected the SQLite header "SQLite format 3", found 100 bytes starting "These are my not/);
  });

  it('refuses an empty file and a short file, unchanged', () => {
    const empty = join(tmp.dir, 'empty.dexar');
    writeFileSync(empty, '');
    expectRefusedUntouched(empty, NotAProjectError, /empty \(0 bytes\)/);
    const short = join(tmp.dir, 'short.dexar');
    writeFileSync(short, 'SQLite format 3\0');
    expectRefusedUntouched(short, NotAProjectError, /found 16 bytes/);
  });

  it("refuses another application's SQLite database, unchanged", () => {
    const path = join(tmp.dir, 'other.sqlite');
    const other = new Database(path);
    other.exec('CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES (\'Ada\');');
    other.close();
    expectRefusedUntouched(path, NotAProjectError, /another application \(application_id 0/);
  });

  it('refuses a file from a newer app version, byte for byte untouched', async () => {
    const path = join(tmp.dir, 'future.dexar');
    await savedProject(path);
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
    raw.close();
    expectRefusedUntouched(path, NewerProjectVersionError, new RegExp(`schema ${LATEST_SCHEMA_VERSION + 10}; this version understands up to ${LATEST_SCHEMA_VERSION}`));
  });

  it('refuses a file with damaged pages, unchanged', async () => {
    const path = join(tmp.dir, 'damaged.dexar');
    await savedProject(path);
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over the second and third pages (sqlite_master's children / table b-trees).
    for (let i = pageSize; i < pageSize * 3 && i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(path, bytes);
    expectRefusedUntouched(path, CorruptProjectError, /damaged and was not opened/);
  });

  it('refuses a truncated project file, unchanged', async () => {
    const path = join(tmp.dir, 'truncated.dexar');
    await savedProject(path);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expectRefusedUntouched(path, CorruptProjectError, /damaged/);
  });
});
