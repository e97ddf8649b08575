import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/store/migrations/index';
import { databaseAt } from '../fixtures/migration-data';

describe('store/migrations.0050-head-weights', () => {
  for (const start of [0, 10, 20, 30, 40]) {
    it(`migrates from version ${start}, keeping detail maps and adding a nullable head weight`, () => {
      const db = databaseAt(start);
      if (start >= 10) {
        db.prepare('INSERT INTO heatmap_details (heatmap_id, layer, head, data) VALUES (2, 3, 1, ?)').run(Buffer.alloc(16));
      }
      migrate(db, 50);
      expect(db.pragma('user_version', { simple: true })).toBe(50);
      const rows = db.prepare('SELECT heatmap_id, layer, head, length(data) AS bytes, weight FROM heatmap_details').all();
      expect(rows).toEqual(start >= 10 ? [{ heatmap_id: 2, layer: 3, head: 1, bytes: 16, weight: null }] : []);
      if (start >= 10) {
        db.prepare('INSERT INTO heatmap_details (heatmap_id, layer, head, data, weight) VALUES (2, 3, 2, ?, 0.25)').run(Buffer.alloc(16));
        expect(db.prepare('SELECT weight FROM heatmap_details WHERE head = 2').get()).toEqual({ weight: 0.25 });
      }
    });
  }
});
