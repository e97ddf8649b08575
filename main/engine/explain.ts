/**
 * DEX-AR on a bundle (DESIGN §3) in three modes:
 * - online: during generation, each token's G rows come from the decode step that predicted it
 *   (explain rows + an explain-head call running beside the next decode steps), so its map
 *   arrives with the token;
 * - teacher-forced: one decoder pass over prompt + answer[:-1] with every answer row explained;
 * - counterfactual: the same pass, with the target at one position replaced by an alternative
 *   token (what would make the model say "blue" here?).
 * The G rows feed shared/dexar, the same math the renderer and reports use.
 */
import { combineEvidence, type DexarMaps } from '../../shared/dexar/maps';
import { onlineTokenMap, tokenEvidence, type RowLayout, type TokenEvidence, type TokenRows } from '../../shared/dexar/evidence';
import { checkSettings, resolveLayers, type DexarSettings } from '../../shared/dexar/settings';
import { generate, type GenerateOptions, type GeneratedToken, type GenerationResult } from './generation/generate';
import { KvCache } from './generation/kv-cache';
import { softmax, topIndices } from './generation/sampler';
import { gradientRows, HeadQueue, headTarget } from './heads';
import type { VlmModel } from './model';
import type { PreprocessedImage } from './preprocess';

export interface ExplainedToken {
  readonly index: number;
  readonly id: number;
  readonly text: string;
  /** q_t, the row that predicts the token. */
  readonly queryRow: number;
  /** δ_t; 0 marks a purely linguistic token. */
  readonly delta: number;
  readonly grounded: boolean;
  /** The five most likely tokens at this position (softmax of the model's logits). */
  readonly top: readonly { readonly id: number; readonly text: string; readonly prob: number }[];
}

export interface Explanation {
  readonly mode: 'online' | 'teacher-forced' | 'counterfactual';
  readonly layers: readonly number[];
  readonly settings: DexarSettings;
  readonly grid: readonly [number, number];
  readonly imageStart: number;
  readonly promptIds: readonly number[];
  /** The explained answer as text (special tokens skipped). */
  readonly text: string;
  readonly tokens: readonly ExplainedToken[];
  /** (T × K) logit-lens scores s_{l,t}. */
  readonly lensScores: Float32Array;
  /** Per token: the G rows (K × H × (q_t+1)) and attention rows the maps were computed from. */
  readonly rows: readonly TokenRows[];
  readonly evidence: readonly TokenEvidence[];
  readonly maps: DexarMaps;
  /** (T × V) the model's logits at each q_t. */
  readonly logits: Float32Array;
}

/** Per-token event of online explanation: the token with its map (equal to the final E_t). */
export interface ExplainedTokenEvent {
  readonly token: GeneratedToken;
  readonly delta: number;
  /** E_t over the gh × gw grid, row-major. */
  readonly map: Float64Array;
}

/** Settings with the bundle's defaults for what the caller leaves out. */
export function explainSettings(model: VlmModel, overrides: Partial<DexarSettings> = {}): DexarSettings {
  const e = model.manifest.explain;
  const settings: DexarSettings = {
    layers: e.default_layers,
    defaultLayerCount: 10,
    topK: 1,
    normTwiceLast: e.norm_twice_last,
    dropColumnAfterImage: e.drop_column_after_image,
    ...overrides,
  };
  checkSettings(settings);
  return settings;
}

function layoutOf(model: VlmModel, layers: readonly number[], imageStart: number): RowLayout {
  return { layers: layers.length, heads: model.manifest.text.num_heads, image: { start: imageStart, count: model.manifest.vision.num_image_tokens } };
}

function topFive(model: VlmModel, logits: Float32Array) {
  const probs = softmax(logits);
  return topIndices(probs, 5).map((id) => ({ id, text: model.tokenizer.decode([id]), prob: probs[id] as number }));
}

/** Teacher forcing: explain `answerIds` (or, with `targets`, other tokens at the same rows) in one pass. */
async function explainFixed(
  model: VlmModel,
  prompt: string,
  image: PreprocessedImage,
  answerIds: readonly number[],
  targets: readonly number[],
  settings: DexarSettings,
  mode: Explanation['mode'],
): Promise<Explanation> {
  if (answerIds.length === 0) throw new RangeError('explain: expected at least one answer token, found none');
  const layers = resolveLayers(settings, model.manifest.text.num_layers);
  const vocab = model.manifest.text.vocab_size;
  // 1. Prompt + answer[:-1]: the row before each answer token predicts it (q_t = S0 − 1 + t, 0-based t).
  const { ids: promptIds, imageStart } = model.promptIds(prompt);
  const sequence = [...promptIds, ...answerIds.slice(0, -1)];
  const queryRows = answerIds.map((_, i) => promptIds.length - 1 + i);
  // 2. One decoder pass returning m_l and attention rows at every query row.
  const embeds = await model.inputsEmbeds(sequence, image.pixelValues, image.dims);
  const step = await model.step(embeds, KvCache.empty(model.cacheShape), queryRows);
  // 3. One explain-head call for all targets and layers.
  const heads = queryRows.map((q, i) => headTarget(model, step, i, q, targets[i] as number, layers));
  const { rows, lensScores } = await gradientRows(model, heads, step.cache, layers, settings.normTwiceLast);
  // 4. DEX-AR math per token, then across tokens.
  const layout = layoutOf(model, layers, imageStart);
  const evidence = rows.map((r) => tokenEvidence(r, layout, settings));
  const maps = combineEvidence(evidence, layers.length * layout.heads);
  const logits = new Float32Array(queryRows.length * vocab);
  queryRows.forEach((q, i) => logits.set(step.logits.subarray(q * vocab, (q + 1) * vocab), i * vocab));
  const tokens = targets.map((id, i) => ({
    index: i,
    id,
    text: model.tokenizer.decode([id]),
    queryRow: queryRows[i] as number,
    delta: maps.tokenWeights[i] as number,
    grounded: (maps.tokenWeights[i] as number) > 0,
    top: topFive(model, logits.subarray(i * vocab, (i + 1) * vocab)),
  }));
  const grid = model.manifest.vision.grid;
  const text = model.tokenizer.decode(targets, { skipSpecialTokens: true });
  return { mode, layers, settings, grid: [grid[0], grid[1]], imageStart, promptIds, text, tokens, lensScores, rows, evidence, maps, logits };
}

export function explainAnswer(model: VlmModel, prompt: string, image: PreprocessedImage, answerIds: readonly number[], settings: DexarSettings): Promise<Explanation> {
  return explainFixed(model, prompt, image, answerIds, answerIds, settings, 'teacher-forced');
}

/**
 * Counterfactual: the answer stays as produced (it conditions every later row), but at `position`
 * the explained target is `alternativeId`: its map shows the evidence for that token instead.
 */
export async function explainAlternative(
  model: VlmModel,
  prompt: string,
  image: PreprocessedImage,
  answerIds: readonly number[],
  position: number,
  alternativeId: number,
  settings: DexarSettings,
): Promise<Explanation> {
  if (!Number.isInteger(position) || position < 0 || position >= answerIds.length) {
    throw new RangeError(`counterfactual: expected a position in [0, ${answerIds.length}), found ${position}`);
  }
  if (!Number.isInteger(alternativeId) || alternativeId < 0 || alternativeId >= model.manifest.text.vocab_size) {
    throw new RangeError(`counterfactual: expected a token id in [0, ${model.manifest.text.vocab_size}), found ${alternativeId}`);
  }
  const targets = answerIds.map((id, i) => (i === position ? alternativeId : id));
  return explainFixed(model, prompt, image, answerIds, targets, settings, 'counterfactual');
}

/**
 * How long online explanation aims to hold a token's explain head to batch it with the next
 * tokens' (HeadQueue): under a display frame, so a map still arrives with its token to the eye,
 * while on a small model (a token every 1–2 ms) head calls drop from one per token to one per ~5
 * tokens (demo model, 2 cores: explained generation 1.28–1.40× plain instead of 1.47–1.52×).
 */
const HEAD_HOLD_MS = 10;

/**
 * Online: generate and explain each token from the step that produced it; `onToken` gets each
 * token's map, in order, as soon as its explain head returns. Heads run while the decoder goes
 * on (on a graph thread when ModelSessions has one for 'explain'; see HeadQueue).
 */
export async function explainGeneration(
  model: VlmModel,
  prompt: string,
  image: PreprocessedImage,
  options: Omit<GenerateOptions, 'explainRows'>,
  settings: DexarSettings,
  onToken?: (event: ExplainedTokenEvent) => Promise<void> | void,
): Promise<{ generation: GenerationResult; explanation: Explanation }> {
  const layers = resolveLayers(settings, model.manifest.text.num_layers);
  const vocab = model.manifest.text.vocab_size;
  const rows: TokenRows[] = [];
  const evidence: TokenEvidence[] = [];
  const lens: Float32Array[] = [];
  const layout = layoutOf(model, layers, model.promptIds(prompt).imageStart);
  const queue = new HeadQueue<GeneratedToken>(
    (targets, cache) => gradientRows(model, targets, cache, layers, settings.normTwiceLast),
    async (token, row, lensScores) => {
      const ev = tokenEvidence(row, layout, settings);
      rows.push(row);
      evidence.push(ev);
      lens.push(lensScores);
      await onToken?.({ token, delta: ev.tokenWeight, map: onlineTokenMap(ev, layers.length * layout.heads) });
    },
    HEAD_HOLD_MS,
  );
  const generation = await generate(model, prompt, image, { ...options, explainRows: true }, (token, step) => {
    queue.push(headTarget(model, step, 0, token.queryRow, token.id, layers), step.cache, token);
  });
  await queue.flush();
  if (generation.tokens.length === 0) throw new RangeError('explain: generation produced no tokens to explain');
  const maps = combineEvidence(evidence, layers.length * model.manifest.text.num_heads);
  const logits = new Float32Array(generation.tokens.length * vocab);
  generation.tokens.forEach((t, i) => logits.set(t.logits, i * vocab));
  const lensScores = new Float32Array(lens.length * layers.length);
  lens.forEach((l, i) => lensScores.set(l, i * layers.length));
  const grid = model.manifest.vision.grid;
  const explanation: Explanation = {
    mode: 'online',
    layers,
    settings,
    grid: [grid[0], grid[1]],
    imageStart: generation.imageStart,
    promptIds: generation.promptIds,
    text: generation.text,
    tokens: generation.tokens.map((t, i) => ({
      index: i,
      id: t.id,
      text: t.text,
      queryRow: t.queryRow,
      delta: maps.tokenWeights[i] as number,
      grounded: (maps.tokenWeights[i] as number) > 0,
      top: t.top,
    })),
    lensScores,
    rows,
    evidence,
    maps,
    logits,
  };
  return { generation, explanation };
}

