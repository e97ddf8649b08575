/**
 * 0060: evaluation runs (`dexar eval --project`, issue 9). One row per run, keyed by its settings
 * and start time so that saving a resumed run again replaces its metrics instead of adding a copy.
 * The whole metrics.json document is kept (shared/api/evaluation.ts); the columns beside it are
 * what lists filter and sort on.
 */
import type { Database } from 'better-sqlite3';

export function migration0060EvalRuns(db: Database): void {
  db.exec(`
    CREATE TABLE eval_runs (
      id                  INTEGER PRIMARY KEY,
      settings_json       TEXT NOT NULL,
      started_at          TEXT NOT NULL,
      updated_at          TEXT NOT NULL,
      model_sha256        TEXT NOT NULL,
      dataset_sha256      TEXT NOT NULL,
      questions_selected  INTEGER NOT NULL CHECK (questions_selected >= 0),
      questions_evaluated INTEGER NOT NULL CHECK (questions_evaluated BETWEEN 0 AND questions_selected),
      complete            INTEGER NOT NULL CHECK (complete IN (0, 1)),
      metrics_json        TEXT NOT NULL,
      UNIQUE (settings_json, started_at)
    );
    CREATE INDEX eval_runs_by_model ON eval_runs (model_sha256, started_at);
  `);
}
