/** `dexar eval`: a model on a DESIGN §5 dataset → metrics.json, metrics.csv, questions.jsonl, perturbation plots. */
import { parseLayerSpec } from '../../../shared/dexar/settings';
import { Engine } from '../../engine/engine';
import { parseProviders } from '../../engine/onnx';
import { runEvaluation } from '../../evaluation/evaluate';
import { METHODS, parseMethods } from '../../evaluation/methods';
import { saveToProject } from '../../evaluation/save';
import { parseFlags, positiveInt, UsageError } from '../args';
import { progressBar } from '../progress';

export const summary = 'evaluate heatmap methods on a dataset: accuracy, localisation and perturbation metrics';
export const usage = `dexar eval --model M --dataset DIR --out DIR [options]

  --model M              bundle folder or built-in bundle name
  --dataset DIR          DESIGN §5 folder: annotations.jsonl, images/, masks/
  --out DIR              results folder; rerun the same command there to resume an interrupted run
  --project FILE         also store the metrics in this project (.dexar, created if missing; the API method evaluations.list reads it)
  --limit N              only the first N questions
  --methods LIST         comma list of ${METHODS.join(', ')} (default: all)
  --perturbation         also the positive/negative perturbation curves (about 19 scoring passes per method and question)
  --layers SPEC          explained layers, e.g. "22-31" (default: the bundle's)
  --top-k K              head score = mean of the K largest relevances (default 1)
  --no-head-filter       ablation: every head weighs 1 in the DEX-AR maps (w = 1)
  --no-sequence-filter   ablation: every token weighs 1 in the DEX-AR sentence map (δ = 1)
  --seed S               seed of the random baseline (default 0)
  --extra-tokens N       greedy answers may run N tokens past the expected answer (default 8)
  --ep LIST              execution providers in order, e.g. cuda,cpu
  --threads N            onnxruntime threads (default: its own)`;

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    model: { type: 'string' },
    dataset: { type: 'string' },
    out: { type: 'string' },
    project: { type: 'string' },
    limit: { type: 'string' },
    methods: { type: 'string' },
    perturbation: { type: 'boolean' },
    layers: { type: 'string' },
    'top-k': { type: 'string' },
    'no-head-filter': { type: 'boolean' },
    'no-sequence-filter': { type: 'boolean' },
    seed: { type: 'string' },
    'extra-tokens': { type: 'string' },
    ep: { type: 'string' },
    threads: { type: 'string' },
  });
  if (!flags.model || !flags.dataset || !flags.out) throw new UsageError('--model, --dataset and --out are required');
  let options;
  try {
    const seed = Number(flags.seed ?? 0);
    if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`--seed expects a non-negative integer, got ${JSON.stringify(flags.seed)}`);
    const extra = Number(flags['extra-tokens'] ?? 8);
    if (!Number.isInteger(extra) || extra < 0) throw new RangeError(`--extra-tokens expects a non-negative integer, got ${JSON.stringify(flags['extra-tokens'])}`);
    const limit = positiveInt('limit', flags.limit);
    const topK = positiveInt('top-k', flags['top-k']);
    const providers = flags.ep === undefined ? undefined : parseProviders(flags.ep);
    options = {
      model: flags.model,
      dataset: flags.dataset,
      out: flags.out,
      ...(limit ? { limit } : {}),
      methods: parseMethods(flags.methods ?? METHODS.join(',')),
      perturbation: flags.perturbation ?? false,
      dexar: { ...(flags.layers !== undefined ? { layers: parseLayerSpec(flags.layers) } : {}), ...(topK ? { topK } : {}) },
      headFilter: !flags['no-head-filter'],
      sequenceFilter: !flags['no-sequence-filter'],
      seed,
      extraNewTokens: extra,
      ...(providers ? { providers } : {}),
      threads: flags.threads === undefined ? 0 : (positiveInt('threads', flags.threads) ?? 0),
    };
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
  const engine = new Engine();
  const controller = new AbortController();
  const bar = progressBar('eval');
  const onSigint = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    process.stderr.write('\ninterrupt: stopping after the current question (its result is kept)…\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const outcome = await runEvaluation(engine, options, {
      signal: controller.signal,
      onProgress: (done, total, record) => bar.update(done, total, record ? `${record.id} ${record.correct ? 'correct' : 'wrong'}` : ''),
    });
    bar.done();
    for (const n of outcome.metrics.provenance.provider_notices) process.stderr.write(`notice: execution provider ${n.requested} unavailable, using CPU (${n.reason})\n`);
    const o = outcome.metrics.overall;
    const done = outcome.metrics.questions.evaluated;
    process.stdout.write(`${done}/${outcome.selected} questions (${outcome.evaluated} evaluated now, ${outcome.skipped} resumed); accuracy ${(o.accuracy * 100).toFixed(1)}%\n`);
    for (const [name, m] of Object.entries(o.methods)) {
      const f = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));
      const auc = m.perturbation ? ` AUC+ ${f(m.perturbation.auc_positive)} (median ${f(m.perturbation.auc_positive_median)}) AUC− ${f(m.perturbation.auc_negative)} (median ${f(m.perturbation.auc_negative_median)})` : '';
      process.stdout.write(`  ${name.padEnd(17)} pointing ${f(m.pointing_game)}  soft-IoU ${f(m.soft_iou)}  SNR_map ${f(m.snr_map_mean)}  SNR_tokens ${f(m.snr_tokens)}${auc}\n`);
    }
    process.stdout.write(`written to ${outcome.outDir}: ${outcome.files.join(', ')}, questions.jsonl\n`);
    if (flags.project) process.stdout.write(`stored in project ${flags.project} as evaluation ${saveToProject(flags.project, outcome.metrics)}\n`);
    if (outcome.interrupted) {
      process.stderr.write(`interrupted after ${done} of ${outcome.selected} questions; run the same command again to resume\n`);
      process.exitCode = 130;
    }
  } catch (err) {
    bar.done();
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    await engine.close();
  }
}
