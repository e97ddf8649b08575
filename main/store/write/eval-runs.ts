/** Writer for evaluation runs (`dexar eval --project`): one row per run, replaced when the same run is saved again. */
import { MetricsDocumentSchema, type MetricsDocument } from '../../../shared/api/evaluation';
import { describeZodError } from '../../../shared/api/envelope';
import { canonicalJson } from '../canonical-json';
import type { WritableDB } from '../db-types';
import { StoreInputError } from '../errors';

/**
 * Saves a metrics.json document; a run is identified by its settings and its start time
 * (provenance.created_at), so saving a resumed run again updates its row. Returns the row id.
 */
export function saveEvalRun(db: WritableDB, doc: MetricsDocument): number {
  const parsed = MetricsDocumentSchema.safeParse(doc);
  if (!parsed.success) throw new StoreInputError(`evaluation run: ${describeZodError(parsed.error)}`);
  const d = parsed.data;
  const settings = canonicalJson(d.settings);
  const row = db
    .prepare(
      `INSERT INTO eval_runs (settings_json, started_at, updated_at, model_sha256, dataset_sha256, questions_selected, questions_evaluated, complete, metrics_json)
       VALUES (@settings, @startedAt, @updatedAt, @model, @dataset, @selected, @evaluated, @complete, @metrics)
       ON CONFLICT (settings_json, started_at) DO UPDATE SET
         updated_at = excluded.updated_at, questions_selected = excluded.questions_selected,
         questions_evaluated = excluded.questions_evaluated, complete = excluded.complete, metrics_json = excluded.metrics_json
       RETURNING id`,
    )
    .get({
      settings,
      startedAt: d.provenance.created_at,
      updatedAt: d.provenance.updated_at,
      model: d.settings.bundle_sha256,
      dataset: d.settings.annotations_sha256,
      selected: d.questions.selected,
      evaluated: d.questions.evaluated,
      complete: d.complete ? 1 : 0,
      metrics: JSON.stringify(d),
    }) as { id: number };
  return row.id;
}
