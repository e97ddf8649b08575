import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/store/migrations/index';
import { databaseAt, seed20 } from '../fixtures/migration-data';

describe('store/migrations.0020-annotations', () => {
  for (const start of [0, 10]) {
    it(`migrates from version ${start} with data and accepts annotations on old runs`, () => {
      const db = databaseAt(start);
      migrate(db, 20);
      expect(db.pragma('user_version', { simple: true })).toBe(20);
      if (start === 0) return;
      seed20(db);
      expect(db.prepare('SELECT run_id, tag, token_start, token_end, sensitive FROM annotations').get()).toEqual({ run_id: 1, tag: 'wrong-attribute', token_start: 2, token_end: 3, sensitive: 1 });
    });
  }

  it('enforces the tag taxonomy and well-formed token spans', () => {
    const db = databaseAt(10);
    migrate(db, 20);
    const insert = db.prepare("INSERT INTO annotations (run_id, tag, severity, notes, token_start, token_end, created_at, updated_at) VALUES (1, ?, 'low', '', ?, ?, 'now', 'now')");
    expect(() => insert.run('made-up', null, null)).toThrow(/CHECK/);
    expect(() => insert.run('other', 3, 2)).toThrow(/CHECK/);
    expect(() => insert.run('other', 1, null)).toThrow(/CHECK/);
    expect(insert.run('other', 1, 2).changes).toBe(1);
  });
});
