/**
 * 0010: images (content-addressed, bytes in a side table so listings never drag blobs), prompts,
 * models, runs, tokens, computed heatmaps (immutable) and their optional per-layer/head detail.
 */
import type { Database } from 'better-sqlite3';

/** 'DXAR': lets open() tell a DEX-AR project from another application's SQLite file. */
export const DEXAR_APPLICATION_ID = 0x44584152;

export function migration0010Core(db: Database): void {
  db.pragma(`application_id = ${DEXAR_APPLICATION_ID}`);
  db.exec(`
    CREATE TABLE images (
      sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),
      name        TEXT NOT NULL,
      format      TEXT NOT NULL CHECK (format IN ('png', 'jpeg', 'webp', 'gif')),
      byte_size   INTEGER NOT NULL CHECK (byte_size > 0),
      width       INTEGER NOT NULL CHECK (width > 0),
      height      INTEGER NOT NULL CHECK (height > 0),
      thumbnail   BLOB NOT NULL,
      thumbnail_format TEXT NOT NULL,
      imported_at TEXT NOT NULL
    );
    CREATE TABLE image_blobs (
      sha256 TEXT PRIMARY KEY REFERENCES images(sha256) ON DELETE CASCADE,
      data   BLOB NOT NULL
    );
    CREATE TABLE prompts (
      id         INTEGER PRIMARY KEY,
      text       TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL
    );
    CREATE TABLE models (
      sha256        TEXT PRIMARY KEY CHECK (length(sha256) = 64),
      name          TEXT NOT NULL,
      manifest_json TEXT NOT NULL,
      added_at      TEXT NOT NULL
    );
    CREATE TABLE runs (
      id              INTEGER PRIMARY KEY,
      image_sha       TEXT NOT NULL REFERENCES images(sha256),
      prompt_id       INTEGER NOT NULL REFERENCES prompts(id),
      model_sha       TEXT NOT NULL REFERENCES models(sha256),
      settings_json   TEXT NOT NULL,
      provenance_json TEXT NOT NULL,
      timings_json    TEXT NOT NULL,
      answer          TEXT NOT NULL,
      status          TEXT NOT NULL CHECK (status IN ('complete', 'failed', 'cancelled')),
      created_at      TEXT NOT NULL
    );
    CREATE INDEX runs_cache_key ON runs (image_sha, prompt_id, model_sha, settings_json, status);
    CREATE INDEX runs_model ON runs (model_sha);
    CREATE TABLE tokens (
      run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      idx        INTEGER NOT NULL CHECK (idx >= 0),
      token_id   INTEGER NOT NULL,
      text       TEXT NOT NULL,
      delta      REAL NOT NULL,
      prob       REAL NOT NULL,
      grounded   INTEGER NOT NULL CHECK (grounded IN (0, 1)),
      top5_json  TEXT NOT NULL,
      PRIMARY KEY (run_id, idx)
    ) WITHOUT ROWID;
    CREATE TABLE heatmaps (
      id          INTEGER PRIMARY KEY,
      run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      kind        TEXT NOT NULL,
      token_index INTEGER,
      gh          INTEGER NOT NULL CHECK (gh > 0),
      gw          INTEGER NOT NULL CHECK (gw > 0),
      data        BLOB NOT NULL CHECK (length(data) = gh * gw * 4)
    );
    CREATE UNIQUE INDEX heatmaps_key ON heatmaps (run_id, kind, ifnull(token_index, -1));
    CREATE TABLE heatmap_details (
      heatmap_id INTEGER NOT NULL REFERENCES heatmaps(id) ON DELETE CASCADE,
      layer      INTEGER NOT NULL,
      head       INTEGER,
      data       BLOB NOT NULL
    );
    CREATE UNIQUE INDEX heatmap_details_key ON heatmap_details (heatmap_id, layer, ifnull(head, -1));
    -- Computed maps are evidence: edits go to a separate table (0020), never over these bytes.
    CREATE TRIGGER heatmaps_immutable BEFORE UPDATE ON heatmaps
    BEGIN SELECT RAISE(ABORT, 'computed heatmaps are immutable; save an edited layer instead'); END;
  `);
}
