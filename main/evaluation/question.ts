/**
 * One dataset question through the engine (DESIGN §4): teacher-forced DEX-AR on the ground-truth
 * answer for the localisation metrics, greedy generation for answer accuracy, and optionally the
 * perturbation curves of every method's sentence map. Returns one plain, JSON-ready record.
 */
import { join } from 'node:path';
import { imageTransform, mapToImage } from '../../shared/dexar/geometry';
import type { DexarSettings } from '../../shared/dexar/settings';
import { explainAnswer } from '../engine/explain';
import { generate } from '../engine/generation/generate';
import type { VlmModel } from '../engine/model';
import { decodeRgb, preprocessRgb } from '../engine/preprocess';
import { answerLogProbs, logSoftmaxAt } from '../engine/score';
import { tokenWordOwners } from './align';
import { readMask, regionWordIndices, unionMask, type BinaryMask, type DatasetQuestion } from './dataset';
import { exactMatch, perplexity, pointingGameScore, snrMap, softIoU } from './metrics';
import { methodMaps, questionSeed, type MethodName } from './methods';
import { perturbationCurve, type Direction } from './perturbation';

export interface QuestionSettings {
  readonly methods: readonly MethodName[];
  readonly dexar: DexarSettings;
  readonly headFilter: boolean;
  readonly sequenceFilter: boolean;
  readonly perturbation: boolean;
  readonly seed: number;
  /** Greedy generation budget beyond the expected answer's token count. */
  readonly extraNewTokens: number;
}

export interface MethodScore {
  /** Pointing-game score per grounded token (tie-aware, in [0, 1]). */
  readonly hits: number[];
  /** Sentence map vs the union of grounded masks; null when nothing in the answer is grounded. */
  readonly soft_iou: number | null;
  /** null when undefined (no grounded mask, mask covers all, or zero map outside). */
  readonly snr_map: number | null;
  /** Token weights of grounded and of linguistic tokens (pooled into SNR_tokens later). */
  readonly w_grounded: number[];
  readonly w_linguistic: number[];
  /** PPL_p / PPL_0 at p = 0, 10, …, 90 and the AUCs; absent without --perturbation. */
  readonly perturbation?: { readonly positive: number[]; readonly negative: number[]; readonly auc_positive: number; readonly auc_negative: number };
}

export interface QuestionRecord {
  readonly id: string;
  readonly group: string;
  readonly expected: string;
  readonly predicted: string;
  readonly correct: boolean;
  readonly tokens: number;
  readonly grounded_tokens: number;
  /** Perplexity of the ground-truth answer on the untouched image. */
  readonly perplexity: number;
  readonly methods: Record<string, MethodScore>;
  readonly seconds: number;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** Indices of mask pixels the model saw (others are cropped away and left out of every metric). */
function seenPixels(probe: Float32Array): Int32Array {
  const out: number[] = [];
  probe.forEach((v, i) => {
    if (!Number.isNaN(v)) out.push(i);
  });
  return Int32Array.from(out);
}

const pick = (values: ArrayLike<number>, at: Int32Array) => Float64Array.from(at, (i) => values[i] as number);

export async function evaluateQuestion(model: VlmModel, root: string, q: DatasetQuestion, settings: QuestionSettings): Promise<QuestionRecord> {
  const started = performance.now();
  // 1. Inputs: the preprocessed image and the ground-truth answer's tokens.
  const image = preprocessRgb(await decodeRgb(join(root, q.image)), model.manifest.preprocessing);
  const answerIds = model.answerIds(q.answer);
  if (answerIds.length === 0) throw new RangeError(`question ${q.id}: expected an answer with at least one token, found none`);

  // 2. Teacher-forced DEX-AR on the ground truth; its logits also give PPL_0.
  const ex = await explainAnswer(model, q.prompt, image, answerIds, settings.dexar);
  const vocab = model.manifest.text.vocab_size;
  const basePerplexity = perplexity(answerIds.map((id, t) => logSoftmaxAt(ex.logits.subarray(t * vocab, (t + 1) * vocab), id)));

  // 3. Greedy generation for answer accuracy.
  const generation = await generate(model, q.prompt, image, { maxNewTokens: answerIds.length + settings.extraNewTokens });

  // 4. Grounded tokens: tokens of answer words listed in a region, scored against its mask.
  const owners = tokenWordOwners(q.answer, answerIds.map((id) => model.tokenizer.decode([id])));
  const maskOfWord = new Map<number, BinaryMask>();
  for (const region of q.regions) {
    const mask = await readMask(root, region.mask);
    for (const k of regionWordIndices(q.answer, region, q.id)) maskOfWord.set(k, mask);
  }
  const grounded = owners.flatMap((w, t) => (maskOfWord.has(w) ? [{ t, mask: maskOfWord.get(w) as BinaryMask }] : []));
  const linguistic = owners.flatMap((w, t) => (maskOfWord.has(w) ? [] : [t]));
  const union = grounded.length > 0 ? unionMask(grounded.map((g) => g.mask)) : null;

  // 5. Every method's maps, carried to mask resolution through the inverse preprocessing.
  const [gh, gw] = ex.grid;
  const headRows = ex.layers.length * model.manifest.text.num_heads;
  const maps = methodMaps(ex.evidence, headRows, gh * gw, settings.methods, { headFilter: settings.headFilter, sequenceFilter: settings.sequenceFilter, randomSeed: questionSeed(settings.seed, q.id) });
  const atMask = (map: Float64Array, mask: BinaryMask) => {
    const up = mapToImage(map, gh, gw, imageTransform(model.manifest.preprocessing, mask.width, mask.height), mask.width, mask.height);
    const seen = seenPixels(up);
    return { map: pick(up, seen), mask: pick(mask.data, seen) };
  };

  // 6. Metrics per method, then the perturbation curves of its sentence map.
  const scoreOf = async (pixels: Float32Array) => perplexity(await answerLogProbs(model, q.prompt, pixels, image.dims, answerIds));
  const methods: Record<string, MethodScore> = {};
  for (const name of settings.methods) {
    const m = maps[name];
    if (!m) throw new Error(`question ${q.id}: method ${name} produced no maps`);
    const sentence = union ? atMask(m.sentenceMap, union) : null;
    const score: MethodScore = {
      hits: grounded.map(({ t, mask }) => {
        const at = atMask(m.tokenMaps[t] as Float64Array, mask);
        return pointingGameScore(at.map, at.mask);
      }),
      soft_iou: sentence ? softIoU(sentence.map, sentence.mask) : null,
      snr_map: sentence ? finiteOrNull(snrMap(sentence.map, sentence.mask)) : null,
      w_grounded: grounded.map(({ t }) => m.tokenWeights[t] as number),
      w_linguistic: linguistic.map((t) => m.tokenWeights[t] as number),
    };
    if (settings.perturbation) {
      const curve = (direction: Direction) => perturbationCurve(m.sentenceMap, direction, image.pixelValues, image.dims, ex.grid, basePerplexity, scoreOf);
      const pos = await curve('positive');
      const neg = await curve('negative');
      methods[name] = { ...score, perturbation: { positive: [...pos.ratios], negative: [...neg.ratios], auc_positive: pos.auc, auc_negative: neg.auc } };
    } else {
      methods[name] = score;
    }
  }
  return {
    id: q.id,
    group: q.group,
    expected: q.answer,
    predicted: generation.text,
    correct: exactMatch(generation.text, q.answer),
    tokens: answerIds.length,
    grounded_tokens: grounded.length,
    perplexity: basePerplexity,
    methods,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
}
