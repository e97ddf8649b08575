/** 0020: failure annotations with regions and token spans, and analyst-edited heatmap layers. */
import type { Database } from 'better-sqlite3';

export function migration0020Annotations(db: Database): void {
  db.exec(`
    CREATE TABLE annotations (
      id          INTEGER PRIMARY KEY,
      run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      tag         TEXT NOT NULL CHECK (tag IN ('hallucinated-object', 'wrong-attribute', 'wrong-count',
                    'mislocalized', 'spurious-correlation', 'linguistic-bias', 'other')),
      severity    TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
      notes       TEXT NOT NULL,
      token_start INTEGER,
      token_end   INTEGER,
      sensitive   INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL,
      CHECK ((token_start IS NULL) = (token_end IS NULL) AND (token_start IS NULL OR token_end > token_start))
    );
    CREATE INDEX annotations_run ON annotations (run_id);
    CREATE INDEX annotations_tag ON annotations (tag, run_id);
    CREATE TABLE annotation_regions (
      id            INTEGER PRIMARY KEY,
      annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
      shape         TEXT NOT NULL CHECK (shape IN ('box', 'polygon', 'mask')),
      geometry_json TEXT NOT NULL,
      -- brush masks: one bit per pixel of the geometry's box, row-major, MSB first
      mask          BLOB
    );
    CREATE INDEX annotation_regions_annotation ON annotation_regions (annotation_id);
    CREATE TABLE edited_layers (
      id               INTEGER PRIMARY KEY,
      run_id           INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      base_heatmap_id  INTEGER REFERENCES heatmaps(id) ON DELETE SET NULL,
      name             TEXT NOT NULL,
      gh               INTEGER NOT NULL CHECK (gh > 0),
      gw               INTEGER NOT NULL CHECK (gw > 0),
      data             BLOB NOT NULL CHECK (length(data) = gh * gw * 4),
      created_at       TEXT NOT NULL,
      updated_at       TEXT NOT NULL
    );
    CREATE INDEX edited_layers_run ON edited_layers (run_id);
  `);
}
