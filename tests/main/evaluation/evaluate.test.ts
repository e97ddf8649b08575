import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine';
import { runEvaluation, type EvalOptions } from '../../../main/evaluation/evaluate';
import { METHODS } from '../../../main/evaluation/methods';
import { MetricsDocumentSchema, type MetricsDocument } from '../../../shared/api/evaluation';
import type { QuestionRecord } from '../../../main/evaluation/question';
import { RunMismatchError } from '../../../main/evaluation/run-log';
import { bundlePath } from '../../shared/dexar/fixture-data';

/** The committed Shapes-QA sample split (24 questions, DESIGN §5 format). */
const SAMPLES = fileURLToPath(new URL('../../../models/samples', import.meta.url));

let out: string;
const engine = new Engine();
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'dexar-eval-'));
});
afterAll(async () => {
  await engine.close();
  await rm(out, { recursive: true, force: true });
});

const options = (overrides: Partial<EvalOptions> = {}): EvalOptions => ({
  model: bundlePath('tiny-llama'),
  dataset: SAMPLES,
  out,
  limit: 4,
  methods: [...METHODS],
  perturbation: true,
  dexar: {},
  headFilter: true,
  sequenceFilter: true,
  seed: 0,
  extraNewTokens: 2,
  providers: ['cpu'],
  threads: 1,
  ...overrides,
});

const lines = async () => (await readFile(join(out, 'questions.jsonl'), 'utf8')).trim().split('\n');
const inUnit = (v: number | null) => v === null || (Number.isFinite(v) && v >= 0 && v <= 1);

// About 5 s alone; the shared CI machine can be several times slower under load.
describe('evaluation/runEvaluation', { timeout: 120_000 }, () => {
  it('evaluates the first 4 sample questions end to end with every method and perturbation curves', async () => {
    const outcome = await runEvaluation(engine, options());
    expect(outcome).toMatchObject({ selected: 4, evaluated: 4, skipped: 0, interrupted: false });
    for (const file of ['run.json', 'questions.jsonl', 'metrics.json', 'metrics.csv', 'perturbation-positive.png', 'perturbation-negative.png']) expect(existsSync(join(out, file))).toBe(true);
    expect(await lines()).toHaveLength(4);

    const doc: MetricsDocument = MetricsDocumentSchema.parse(JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')));
    expect(doc).toMatchObject({ format: 'dexar-eval-metrics', complete: true, questions: { selected: 4, evaluated: 4 } });
    expect(doc.provenance.bundle.manifest_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.provenance.dataset.annotations_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.provenance.providers.decoder).toBe('cpu');
    expect(doc.settings).toMatchObject({ limit: 4, perturbation: true, head_filter: true, sequence_filter: true, top_k: 1 });
    // The first four sample rows are one question of each of the first four templates.
    expect(Object.keys(doc.groups)).toEqual(['color_of_shape', 'shape_of_color', 'where', 'count']);
    expect(inUnit(doc.overall.accuracy)).toBe(true);
    for (const method of METHODS) {
      const m = doc.overall.methods[method];
      if (!m) throw new Error(`metrics.json: no ${method}`);
      // 2 + 2 + 4 + 2 grounded words; the tiny tokenizer splits "circles" into "circle" + "s".
      expect(m.grounded_tokens).toBe(11);
      expect(m.soft_iou_questions).toBe(4);
      expect(inUnit(m.pointing_game)).toBe(true);
      expect(inUnit(m.soft_iou)).toBe(true);
      expect(m.snr_map_mean === null || (Number.isFinite(m.snr_map_mean) && m.snr_map_mean >= 0)).toBe(true);
      expect(m.grounded_weight_mean).not.toBeNull();
      const p = m.perturbation;
      if (!p) throw new Error(`metrics.json: no perturbation for ${method}`);
      expect(p.percents).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
      expect(p.positive_curve[0]).toBeCloseTo(1, 12);
      expect(p.negative_curve[0]).toBeCloseTo(1, 12);
      for (const v of [...p.positive_curve, ...p.negative_curve, p.auc_positive, p.auc_negative]) expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    const csv = (await readFile(join(out, 'metrics.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('model,bundle_sha256,dataset,layers,top_k,norm_twice_last,head_filter,sequence_filter,group,method,questions,accuracy,pointing_game,grounded_tokens,soft_iou,soft_iou_questions,snr_map_mean,snr_map_median,snr_map_questions,snr_tokens,auc_positive,auc_negative,auc_positive_median,auc_negative_median');
    expect(csv).toHaveLength(1 + (1 + 4) * METHODS.length);
    const png = await sharp(join(out, 'perturbation-positive.png')).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBeGreaterThan(400);
  });

  it('resumes: finished questions are skipped, a larger limit adds only the new ones', async () => {
    const again = await runEvaluation(engine, options());
    expect(again).toMatchObject({ evaluated: 0, skipped: 4 });
    expect(await lines()).toHaveLength(4);
  });

  it('stops between questions when cancelled and picks up where it stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dexar-eval-cancel-'));
    try {
      const controller = new AbortController();
      const first = await runEvaluation(engine, options({ out: dir, limit: 3, perturbation: false }), {
        signal: controller.signal,
        onProgress: (done) => {
          if (done === 1) controller.abort();
        },
      });
      expect(first).toMatchObject({ evaluated: 1, interrupted: true });
      expect(first.metrics.complete).toBe(false);
      const second = await runEvaluation(engine, options({ out: dir, limit: 3, perturbation: false }));
      expect(second).toMatchObject({ evaluated: 2, skipped: 1, interrupted: false });
      const records = (await readFile(join(dir, 'questions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as QuestionRecord);
      expect(records.map((r) => r.id)).toEqual(['s424242-000000', 's424242-000001', 's424242-000002']);
      expect(records[0]?.methods.dexar?.perturbation).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an existing folder evaluated with other arguments and names what changed', async () => {
    const run = runEvaluation(engine, options({ headFilter: false, dexar: { topK: 2 } }));
    await expect(run).rejects.toThrow(RunMismatchError);
    await expect(runEvaluation(engine, options({ headFilter: false, dexar: { topK: 2 } }))).rejects.toThrow(/head_filter: true → false; top_k: 1 → 2/);
    expect(await lines()).toHaveLength(4);
  });
});
