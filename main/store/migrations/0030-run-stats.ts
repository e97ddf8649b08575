/**
 * 0030: per-run δ aggregates so gallery filters and sorts never scan tokens. Runs saved before
 * this version are backfilled from their tokens.
 */
import type { Database } from 'better-sqlite3';

export function migration0030RunStats(db: Database): void {
  db.exec(`
    ALTER TABLE runs ADD COLUMN token_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN delta_mean REAL NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN delta_max REAL NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN grounded_count INTEGER NOT NULL DEFAULT 0;
    UPDATE runs SET
      token_count    = (SELECT count(*) FROM tokens t WHERE t.run_id = runs.id),
      delta_mean     = ifnull((SELECT avg(delta) FROM tokens t WHERE t.run_id = runs.id), 0),
      delta_max      = ifnull((SELECT max(delta) FROM tokens t WHERE t.run_id = runs.id), 0),
      grounded_count = (SELECT count(*) FROM tokens t WHERE t.run_id = runs.id AND t.grounded = 1);
    CREATE INDEX runs_delta_mean ON runs (delta_mean);
    CREATE INDEX runs_delta_max ON runs (delta_max);
    CREATE INDEX runs_created ON runs (created_at);
  `);
}
