import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DEXAR_APPLICATION_ID } from '../../../../main/store/migrations/0010-core';
import { migrate } from '../../../../main/store/migrations/index';
import { IMAGE, seed10 } from '../fixtures/migration-data';

function at10(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 10);
  return db;
}

describe('store/migrations.0010-core', () => {
  it('migrates an empty database (version 0) and accepts version-10 data', () => {
    const db = at10();
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    expect(db.pragma('application_id', { simple: true })).toBe(DEXAR_APPLICATION_ID);
    seed10(db);
    expect(db.prepare('SELECT count(*) AS n FROM tokens').get()).toEqual({ n: 3 });
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('keeps computed heatmaps immutable and sized gh·gw·4', () => {
    const db = at10();
    seed10(db);
    expect(() => db.prepare('UPDATE heatmaps SET data = ? WHERE id = 1').run(Buffer.alloc(16))).toThrow(/computed heatmaps are immutable/);
    expect(() => db.prepare("INSERT INTO heatmaps (run_id, kind, token_index, gh, gw, data) VALUES (1, 'token', 0, 2, 2, x'00')").run()).toThrow(/CHECK/);
  });

  it('cascades a run delete to its tokens and maps but refuses orphan runs', () => {
    const db = at10();
    seed10(db);
    db.prepare('DELETE FROM runs WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM tokens').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM heatmaps').get()).toEqual({ n: 0 });
    expect(() => db.prepare("INSERT INTO runs (image_sha, prompt_id, model_sha, settings_json, provenance_json, timings_json, answer, status, created_at) VALUES (?, 99, ?, '{}', '{}', '{}', '', 'complete', 'now')").run(IMAGE, IMAGE)).toThrow(/FOREIGN KEY/);
  });
});
