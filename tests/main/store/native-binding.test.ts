import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { readSqliteBindingStamp, selectSqliteBinding, sqliteBindingOptions, SqliteBindingError, stampPath, type SqliteBindingStamp } from '../../../main/store/native-binding';

const ADDON = '/app/build/native/electron/better_sqlite3.node';
const stamps = (entries: Record<string, SqliteBindingStamp>) => (path: string) => entries[path];

describe('store/selectSqliteBinding', () => {
  it('uses node_modules’ own build under Node, even when an Electron build is configured', () => {
    expect(selectSqliteBinding({ versions: {}, electronBinding: undefined, readStamp: stamps({}) })).toBeUndefined();
    expect(selectSqliteBinding({ versions: {}, electronBinding: ADDON, readStamp: stamps({ [ADDON]: { electronVersion: '45.5.0' } }) })).toBeUndefined();
  });

  it('uses the configured Electron build under the Electron it was built for', () => {
    expect(selectSqliteBinding({ versions: { electron: '45.5.0' }, electronBinding: ADDON, readStamp: stamps({ [ADDON]: { electronVersion: '45.5.0' } }) })).toBe(ADDON);
  });

  it('refuses, saying what to do, when the Electron build is missing, unconfigured or for another Electron', () => {
    const electron = { electron: '45.5.0' };
    expect(() => selectSqliteBinding({ versions: electron, electronBinding: undefined, readStamp: stamps({}) })).toThrow(/Electron 45\.5\.0, expected the Electron build .* found none/);
    expect(() => selectSqliteBinding({ versions: electron, electronBinding: ADDON, readStamp: stamps({}) })).toThrow(/expected better-sqlite3 built for Electron 45\.5\.0 at .*found none; build it with `node main\/electron\/build-native\.mjs`/);
    expect(() => selectSqliteBinding({ versions: electron, electronBinding: ADDON, readStamp: stamps({ [ADDON]: { electronVersion: '44.0.0' } }) })).toThrow(SqliteBindingError);
    expect(() => selectSqliteBinding({ versions: electron, electronBinding: ADDON, readStamp: stamps({ [ADDON]: { electronVersion: '44.0.0' } }) })).toThrow(/built for Electron 44\.0\.0, but this is Electron 45\.5\.0/);
  });

  it('keeps the stamp beside the addon', () => {
    expect(stampPath(ADDON)).toBe('/app/build/native/electron/better_sqlite3.json');
    expect(readSqliteBindingStamp('/nonexistent/better_sqlite3.node')).toBeUndefined();
  });
});

describe('store/sqliteBindingOptions', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dexar-binding-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes nothing under Node, so better-sqlite3 loads its own build', () => {
    expect(process.versions.electron).toBeUndefined();
    expect(sqliteBindingOptions()).toEqual({});
  });

  // What Electron gets is a path to a separate copy of the addon; this Node can only load a Node
  // build, so a copy of node_modules' addon stands in for the Electron one here.
  it('a separate stamped copy of the addon opens databases through `nativeBinding`', () => {
    const require = createRequire(import.meta.url);
    const original = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    const copy = join(scratch, 'better_sqlite3.node');
    copyFileSync(original, copy);
    writeFileSync(stampPath(copy), JSON.stringify({ electronVersion: '45.5.0' }));
    const selected = selectSqliteBinding({ versions: { electron: '45.5.0' }, electronBinding: copy, readStamp: readSqliteBindingStamp });
    expect(selected).toBe(copy);
    const db = new Database(':memory:', { nativeBinding: selected });
    try {
      expect(db.prepare('SELECT 40 + 2 AS n').get()).toEqual({ n: 42 });
    } finally {
      db.close();
    }
  });
});
