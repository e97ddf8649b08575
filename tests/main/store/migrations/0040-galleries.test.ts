import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/store/migrations/index';
import { databaseAt } from '../fixtures/migration-data';

describe('store/migrations.0040-galleries', () => {
  for (const start of [0, 10, 20, 30]) {
    it(`migrates from version ${start}, indexing existing prompts for full-text search`, () => {
      const db = databaseAt(start);
      migrate(db, 40);
      expect(db.pragma('user_version', { simple: true })).toBe(40);
      const match = db.prepare('SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ? ORDER BY rowid');
      expect(match.all('"red"*')).toEqual(start >= 10 ? [{ rowid: 1 }] : []);
      if (start >= 10) {
        db.prepare("INSERT INTO galleries VALUES (1, 'reds', '{}', 'now', 'now')").run();
        db.prepare("INSERT INTO gallery_items VALUES (1, 1, 0, 'now')").run();
        db.prepare("INSERT INTO report_exports (format, path, run_ids_json, gallery_id, redacted, created_at) VALUES ('pdf', '/tmp/r.pdf', '[1]', 1, 1, 'now')").run();
        expect(db.pragma('foreign_key_check')).toEqual([]);
      }
    });
  }

  it('keeps the prompt index in sync on insert, update and delete', () => {
    const db = databaseAt(10);
    migrate(db, 40);
    const match = db.prepare('SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ? ORDER BY rowid');
    db.prepare("INSERT INTO prompts VALUES (2, 'How many squares are there?', 'now')").run();
    expect(match.all('"squares"')).toEqual([{ rowid: 2 }]);
    db.prepare("UPDATE prompts SET text = 'How many stars are there?' WHERE id = 2").run();
    expect(match.all('"squares"')).toEqual([]);
    expect(match.all('"stars"')).toEqual([{ rowid: 2 }]);
    db.prepare('DELETE FROM prompts WHERE id = 2').run();
    expect(match.all('"stars"')).toEqual([]);
  });
});
