/** Readers for evaluation runs: the stored metrics.json documents with their row ids, newest first. */
import { EvalRunSchema, type EvalRun } from '../../../shared/api/evaluation';
import type { ReadableDB } from '../db-types';

interface EvalRunRow {
  id: number;
  metrics_json: string;
}

const toEvalRun = (row: EvalRunRow): EvalRun => EvalRunSchema.parse({ ...(JSON.parse(row.metrics_json) as object), id: row.id });

export function listEvalRuns(db: ReadableDB): EvalRun[] {
  return (db.prepare('SELECT id, metrics_json FROM eval_runs ORDER BY started_at DESC, id DESC').all() as EvalRunRow[]).map(toEvalRun);
}

export function getEvalRun(db: ReadableDB, id: number): EvalRun | undefined {
  const row = db.prepare('SELECT id, metrics_json FROM eval_runs WHERE id = ?').get(id) as EvalRunRow | undefined;
  return row && toEvalRun(row);
}
