/**
 * Generation with a KV cache (STYLE 8: reads as numbered steps). Streams each token with its
 * top-5 alternatives; a hook sees every decoder step, which is how online explanation gets the
 * explain rows of the row that predicted each token without a second pass.
 */
import type { PreprocessedImage } from '../preprocess';
import type { StepOutput, VlmModel } from '../model';
import { KvCache } from './kv-cache';
import { Sampler, type SamplingOptions, GREEDY } from './sampler';
import { shouldStop, type StopReason } from './stopping';

export interface GenerateOptions {
  readonly maxNewTokens: number;
  /** Stop tokens; default: the bundle's eos. */
  readonly stopTokens?: readonly number[];
  readonly sampling?: SamplingOptions;
  readonly signal?: AbortSignal;
  /** Ask the decoder for the explain rows (m_l, attention) of the row predicting each token. */
  readonly explainRows?: boolean;
}

export interface GeneratedToken {
  /** 0-based position in the answer. */
  readonly index: number;
  readonly id: number;
  /** The token's own text (tokenizer decode of this id alone). */
  readonly text: string;
  readonly prob: number;
  readonly top: readonly { readonly id: number; readonly text: string; readonly prob: number }[];
  /** q_t: the sequence row whose logits chose this token. */
  readonly queryRow: number;
  /** The logits row that chose it (V). */
  readonly logits: Float32Array;
}

export interface GenerationResult {
  readonly promptIds: readonly number[];
  readonly imageStart: number;
  readonly tokens: readonly GeneratedToken[];
  readonly text: string;
  readonly stopReason: StopReason;
  /** The cache after the last decoder call. */
  readonly cache: KvCache;
}

/** Called once per generated token with the decoder step whose last row predicted it. */
export type StepHook = (token: GeneratedToken, step: StepOutput) => Promise<void> | void;

export async function generate(model: VlmModel, prompt: string, image: PreprocessedImage, options: GenerateOptions, onToken?: StepHook): Promise<GenerationResult> {
  const eos = model.manifest.tokenizer.special_tokens.eos;
  const stopping = {
    maxNewTokens: options.maxNewTokens,
    stopTokens: options.stopTokens ?? (eos ? [eos.id] : []),
    maxPositions: model.manifest.text.max_positions,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const sampler = new Sampler(options.sampling ?? GREEDY);
  const vocab = model.manifest.text.vocab_size;

  // 1. Prompt ids (template, BOS, N image tokens) and their embeddings with the image spliced in.
  const { ids: promptIds, imageStart } = model.promptIds(prompt);
  const embeds = await model.inputsEmbeds(promptIds, image.pixelValues, image.dims);

  // 2. Prefill: the whole prompt in one call; its last row predicts the first token.
  let step = await model.step(embeds, KvCache.empty(model.cacheShape), options.explainRows ? [promptIds.length - 1] : []);
  const tokens: GeneratedToken[] = [];
  // The first token needs no new position (the prefill predicts it), hence length − 1 here.
  let stopReason = shouldStop(stopping, 0, step.cache.length - 1, null);

  while (stopReason === null) {
    // 3. Choose the next token from the last row's logits.
    const logits = step.logits.slice((step.rows - 1) * vocab, step.rows * vocab);
    const choice = sampler.choose(logits);
    const token: GeneratedToken = {
      index: tokens.length,
      id: choice.id,
      text: model.tokenizer.decode([choice.id]),
      prob: choice.prob,
      top: choice.top.map((a) => ({ id: a.id, text: model.tokenizer.decode([a.id]), prob: a.prob })),
      queryRow: step.cache.length - 1,
      logits,
    };
    tokens.push(token);

    // 4. Hand the token and the step that produced it to the caller (streaming, online explain).
    await onToken?.(token, step);

    // 5. Stop, or feed the token back through the cache.
    stopReason = shouldStop(stopping, tokens.length, step.cache.length, token.id);
    if (stopReason !== null) break;
    step = await model.step(await model.embed([token.id]), step.cache, options.explainRows ? [0] : []);
  }

  return {
    promptIds,
    imageStart,
    tokens,
    text: model.tokenizer.decode(tokens.map((t) => t.id), { skipSpecialTokens: true }),
    stopReason,
    cache: step.cache,
  };
}
