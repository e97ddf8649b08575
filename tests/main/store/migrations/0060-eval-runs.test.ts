import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/store/migrations/index';
import { databaseAt } from '../fixtures/migration-data';

const insert = `INSERT INTO eval_runs (settings_json, started_at, updated_at, model_sha256, dataset_sha256, questions_selected, questions_evaluated, complete, metrics_json)
                VALUES (?, ?, 'now', 'm', 'd', ?, ?, ?, '{}')`;

describe('store/migrations.0060-eval-runs', () => {
  for (const start of [0, 10, 20, 30, 40, 50]) {
    it(`migrates from version ${start} with data, leaving runs alone and adding an empty eval_runs table`, () => {
      const db = databaseAt(start);
      const runsBefore = start >= 10 ? db.prepare('SELECT count(*) AS n FROM runs').get() : null;
      migrate(db, 60);
      expect(db.pragma('user_version', { simple: true })).toBe(60);
      if (runsBefore) expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual(runsBefore);
      expect(db.prepare('SELECT count(*) AS n FROM eval_runs').get()).toEqual({ n: 0 });
      db.prepare(insert).run('{"a":1}', '2026-01-01', 4, 2, 0);
      expect(db.prepare('SELECT questions_selected, questions_evaluated, complete FROM eval_runs').get()).toEqual({ questions_selected: 4, questions_evaluated: 2, complete: 0 });
    });
  }

  it('keeps one row per (settings, start) and refuses impossible counts', () => {
    const db = databaseAt(50);
    migrate(db, 60);
    db.prepare(insert).run('{"a":1}', '2026-01-01', 4, 4, 1);
    expect(() => db.prepare(insert).run('{"a":1}', '2026-01-01', 4, 4, 1)).toThrow(/UNIQUE/);
    db.prepare(insert).run('{"a":1}', '2026-01-02', 4, 4, 1);
    expect(() => db.prepare(insert).run('{"a":2}', '2026-01-01', 4, 5, 1)).toThrow(/CHECK/);
    expect(() => db.prepare(insert).run('{"a":2}', '2026-01-01', 4, 4, 2)).toThrow(/CHECK/);
  });
});
