import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrate, MIGRATIONS } from '../../../../main/store/migrations/index';
import { databaseAt } from '../fixtures/migration-data';

describe('store/migrations.migrate', () => {
  it('is numbered in steps of 10', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => (i + 1) * 10));
  });

  for (const start of [0, ...MIGRATIONS.slice(0, -1).map((m) => m.version)]) {
    it(`migrates a database with data from version ${start} to ${LATEST_SCHEMA_VERSION}`, () => {
      const db = databaseAt(start);
      expect(db.pragma('user_version', { simple: true })).toBe(start);
      expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const runs = db.prepare('SELECT id, token_count, grounded_count FROM runs ORDER BY id').all();
      if (start >= 10) expect(runs.slice(0, 2)).toEqual([{ id: 1, token_count: 3, grounded_count: 2 }, { id: 2, token_count: 0, grounded_count: 0 }]);
      if (start >= 20) expect(db.prepare('SELECT tag FROM annotations').all()).toEqual([{ tag: 'wrong-attribute' }]);
      if (start >= 30) expect(runs[2]).toEqual({ id: 3, token_count: 1, grounded_count: 1 });
      // The prompt index covers rows that existed before 0040.
      const hits = db.prepare("SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH 'red'").all();
      expect(hits).toEqual(start >= 10 ? [{ rowid: 1 }] : []);
      db.close();
    });
  }

  it('does nothing on a database already at the latest version', () => {
    const db = databaseAt(LATEST_SCHEMA_VERSION);
    const schema = db.prepare('SELECT sql FROM sqlite_master ORDER BY name').all();
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT sql FROM sqlite_master ORDER BY name').all()).toEqual(schema);
  });

  it('refuses a database newer than this build', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
    expect(() => migrate(db)).toThrow(`schema ${LATEST_SCHEMA_VERSION + 10} is newer than this build's ${LATEST_SCHEMA_VERSION}`);
  });

  it('leaves a database at its last whole version when a migration fails', () => {
    const db = databaseAt(20);
    // A row that violates 0030's backfill is impossible; make 0030 fail instead by pre-creating its index name.
    db.exec('CREATE INDEX runs_delta_mean ON runs (id)');
    expect(() => migrate(db)).toThrow(/runs_delta_mean already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(20);
    const columns = (db.prepare('SELECT name FROM pragma_table_info(\'runs\')').all() as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('token_count');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
