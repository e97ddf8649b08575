/**
 * The ordered, forward-only migration list. Versions go in steps of 10 and are recorded in
 * PRAGMA user_version; a file whose version is above LATEST_SCHEMA_VERSION is refused.
 */
import type { Database } from 'better-sqlite3';
import { migration0010Core } from './0010-core';
import { migration0020Annotations } from './0020-annotations';
import { migration0030RunStats } from './0030-run-stats';
import { migration0040Galleries } from './0040-galleries';
import { migration0050HeadWeights } from './0050-head-weights';
import { migration0060EvalRuns } from './0060-eval-runs';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 10, name: 'core', up: migration0010Core },
  { version: 20, name: 'annotations', up: migration0020Annotations },
  { version: 30, name: 'run-stats', up: migration0030RunStats },
  { version: 40, name: 'galleries', up: migration0040Galleries },
  { version: 50, name: 'head-weights', up: migration0050HeadWeights },
  { version: 60, name: 'eval-runs', up: migration0060EvalRuns },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings db from its user_version up to `target` (default: latest), one transaction per
 * migration so a crash leaves the file at a whole version. Foreign keys are off while tables
 * change (SQLite cannot toggle them inside a transaction) and checked before each commit.
 */
export function migrate(db: Database, target = LATEST_SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(`migrate: schema ${current} is newer than this build's ${LATEST_SCHEMA_VERSION}`);
  }
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of MIGRATIONS) {
      if (migration.version <= current || migration.version > target) continue;
      db.transaction(() => {
        migration.up(db);
        const problems = db.pragma('foreign_key_check') as unknown[];
        if (problems.length > 0) {
          throw new Error(`migration ${migration.version}-${migration.name} left ${problems.length} broken foreign keys`);
        }
        db.pragma(`user_version = ${migration.version}`);
      })();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return db.pragma('user_version', { simple: true }) as number;
}
