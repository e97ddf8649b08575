/**
 * 0040: galleries (saved filter + pinned runs), the report export log, and a full-text index
 * over prompts so the prompt-text filter stays fast on large projects.
 */
import type { Database } from 'better-sqlite3';

export function migration0040Galleries(db: Database): void {
  db.exec(`
    CREATE TABLE galleries (
      id          INTEGER PRIMARY KEY,
      name        TEXT NOT NULL UNIQUE,
      filter_json TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL
    );
    CREATE TABLE gallery_items (
      gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
      run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      position   INTEGER NOT NULL,
      pinned_at  TEXT NOT NULL,
      PRIMARY KEY (gallery_id, run_id)
    ) WITHOUT ROWID;
    CREATE TABLE report_exports (
      id           INTEGER PRIMARY KEY,
      format       TEXT NOT NULL CHECK (format IN ('pdf', 'png', 'project')),
      path         TEXT NOT NULL,
      run_ids_json TEXT NOT NULL,
      gallery_id   INTEGER REFERENCES galleries(id) ON DELETE SET NULL,
      redacted     INTEGER NOT NULL CHECK (redacted IN (0, 1)),
      sha256       TEXT,
      created_at   TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE prompts_fts USING fts5(text, content = 'prompts', content_rowid = 'id');
    INSERT INTO prompts_fts (rowid, text) SELECT id, text FROM prompts;
    CREATE TRIGGER prompts_fts_insert AFTER INSERT ON prompts
    BEGIN INSERT INTO prompts_fts (rowid, text) VALUES (new.id, new.text); END;
    CREATE TRIGGER prompts_fts_delete AFTER DELETE ON prompts
    BEGIN INSERT INTO prompts_fts (prompts_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
    CREATE TRIGGER prompts_fts_update AFTER UPDATE ON prompts
    BEGIN
      INSERT INTO prompts_fts (prompts_fts, rowid, text) VALUES ('delete', old.id, old.text);
      INSERT INTO prompts_fts (rowid, text) VALUES (new.id, new.text);
    END;
  `);
}
