/**
 * A batch evaluation (issue 9, DESIGN §4): every selected dataset question through the engine,
 * one record per question appended to questions.jsonl as soon as it is done (resume), then the
 * pooled metrics, CSV and perturbation plots written from all records of the selection.
 * Cancellation stops between questions, so nothing half-done is ever recorded.
 */
import { resolve } from 'node:path';
import type { DexarSettings } from '../../shared/dexar/settings';
import { APP_VERSION } from '../app/info';
import type { Engine } from '../engine/engine';
import { explainSettings } from '../engine/explain';
import type { ProviderName } from '../engine/onnx';
import { resolveLayers } from '../../shared/dexar/settings';
import { readDataset } from './dataset';
import type { MethodName } from './methods';
import type { EvalSettings, MetricsDocument } from '../../shared/api/evaluation';
import { metricsDocument, writeOutputs } from './outputs';
import { evaluateQuestion, type QuestionRecord } from './question';
import { openRunLog } from './run-log';

export interface EvalOptions {
  /** Bundle folder or built-in bundle name. */
  readonly model: string;
  readonly dataset: string;
  readonly out: string;
  /** The first N questions of annotations.jsonl; undefined = all. */
  readonly limit?: number;
  readonly methods: readonly MethodName[];
  readonly perturbation: boolean;
  /** Layers Λ and top-k; the rest of the DEX-AR settings come from the bundle. */
  readonly dexar: Partial<Pick<DexarSettings, 'layers' | 'topK'>>;
  /** Ablations: false sets every head weight w (resp. token weight δ) to 1 in the DEX-AR maps. */
  readonly headFilter: boolean;
  readonly sequenceFilter: boolean;
  /** Seed of the random baseline. */
  readonly seed: number;
  /** Greedy answers may run this many tokens past the expected answer's length. */
  readonly extraNewTokens: number;
  readonly providers?: readonly ProviderName[];
  readonly threads?: number;
}

export interface EvalHooks {
  readonly signal?: AbortSignal;
  /** After each question: done counts finished questions of the selection, resumed ones included. */
  readonly onProgress?: (done: number, total: number, record: QuestionRecord | null) => void;
}

export interface EvalOutcome {
  readonly outDir: string;
  readonly selected: number;
  /** Questions evaluated by this call. */
  readonly evaluated: number;
  /** Questions found finished in questions.jsonl and skipped. */
  readonly skipped: number;
  readonly interrupted: boolean;
  readonly metrics: MetricsDocument;
  readonly files: readonly string[];
}

export async function runEvaluation(engine: Engine, options: EvalOptions, hooks: EvalHooks = {}): Promise<EvalOutcome> {
  // 1. Model, dataset and the selection.
  const model = await engine.open(options.model, options.providers, options.threads ?? 0);
  const { providers, notices } = await model.sessions.warm();
  const dataset = await readDataset(options.dataset);
  const selection = dataset.questions.slice(0, options.limit ?? dataset.questions.length);
  const dexar = explainSettings(model, options.dexar);
  const layers = resolveLayers(dexar, model.manifest.text.num_layers);

  // 2. The arguments that determine the numbers: a resumed run must repeat them exactly.
  const bundle = model.bundle;
  const settings: EvalSettings = {
    model: bundle.root,
    bundle_sha256: bundle.manifestSha256,
    dataset: dataset.root,
    annotations_sha256: dataset.annotationsSha256,
    limit: options.limit ?? null,
    methods: [...options.methods],
    perturbation: options.perturbation,
    layers,
    top_k: dexar.topK,
    norm_twice_last: dexar.normTwiceLast,
    drop_column_after_image: dexar.dropColumnAfterImage,
    head_filter: options.headFilter,
    sequence_filter: options.sequenceFilter,
    seed: options.seed,
    extra_new_tokens: options.extraNewTokens,
  };
  const outDir = resolve(options.out);
  const log = await openRunLog(outDir, settings);

  // 3. The questions not yet done, in dataset order.
  const records = new Map<string, QuestionRecord>();
  for (const q of selection) {
    const done = log.done.get(q.id);
    if (done) records.set(q.id, done);
  }
  const skipped = records.size;
  hooks.onProgress?.(records.size, selection.length, null);
  let evaluated = 0;
  let interrupted = false;
  for (const q of selection) {
    if (records.has(q.id)) continue;
    if (hooks.signal?.aborted) {
      interrupted = true;
      break;
    }
    const record = await evaluateQuestion(model, dataset.root, q, {
      methods: options.methods,
      dexar: { ...dexar, layers },
      headFilter: options.headFilter,
      sequenceFilter: options.sequenceFilter,
      perturbation: options.perturbation,
      seed: options.seed,
      extraNewTokens: options.extraNewTokens,
    });
    log.append(record);
    records.set(q.id, record);
    evaluated++;
    hooks.onProgress?.(records.size, selection.length, record);
  }

  // 4. Metrics over every finished question of the selection (this call's and earlier ones').
  const ordered = selection.flatMap((q) => {
    const r = records.get(q.id);
    return r ? [r] : [];
  });
  const metrics = metricsDocument(ordered, selection.length, options.methods, settings, {
    app_version: APP_VERSION,
    bundle: { name: bundle.manifest.name, path: bundle.root, family: bundle.manifest.family, manifest_sha256: bundle.manifestSha256 },
    providers,
    provider_notices: notices.map((n) => ({ requested: n.requested, reason: n.reason })),
    dataset: { path: dataset.root, annotations_sha256: dataset.annotationsSha256, questions_total: dataset.questions.length },
    limit: options.limit ?? null,
    created_at: log.createdAt,
    updated_at: new Date().toISOString(),
  });
  const files = await writeOutputs(outDir, metrics);
  return { outDir, selected: selection.length, evaluated, skipped, interrupted, metrics, files };
}
