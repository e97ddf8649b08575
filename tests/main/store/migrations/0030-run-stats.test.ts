import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/store/migrations/index';
import { databaseAt } from '../fixtures/migration-data';

describe('store/migrations.0030-run-stats', () => {
  for (const start of [0, 10, 20]) {
    it(`migrates from version ${start}, backfilling δ aggregates from stored tokens`, () => {
      const db = databaseAt(start);
      migrate(db, 30);
      expect(db.pragma('user_version', { simple: true })).toBe(30);
      const rows = db.prepare('SELECT id, token_count, delta_mean, delta_max, grounded_count FROM runs ORDER BY id').all() as Record<string, number>[];
      if (start === 0) return expect(rows).toEqual([]);
      expect(rows[0]).toMatchObject({ id: 1, token_count: 3, grounded_count: 2 });
      expect(rows[0]!.delta_mean).toBeCloseTo((0 + 0.2 + 0.7) / 3, 12);
      expect(rows[0]!.delta_max).toBeCloseTo(0.7, 12);
      expect(rows[1]).toEqual({ id: 2, token_count: 0, delta_mean: 0, delta_max: 0, grounded_count: 0 });
    });
  }
});
