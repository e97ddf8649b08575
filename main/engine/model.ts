/**
 * One loaded VLM bundle driven through its four graphs (models/README.md "How the engine uses
 * them"; models/runtime.py is the Python twin): prompt ids, image embeddings spliced into the
 * token embeddings, cached decoder steps that also return the explain rows, and the explain head.
 */
import { DexarError } from '../../shared/api/envelope';
import type { LoadedBundle } from './bundle';
import { KvCache, type CacheShape } from './generation/kv-cache';
import type { BundleManifest } from './manifest';
import { f32, i64, type TensorData } from './onnx';
import type { ModelSessions } from './sessions';
import { Tokenizer } from './tokenizer';

export interface StepOutput {
  /** Rows of this call (S). */
  readonly rows: number;
  /** (S, V) logits of this call's rows. */
  readonly logits: Float32Array;
  /** The cache after this call (P + S positions). */
  readonly cache: KvCache;
  /** Rows of this call whose explain data came back, relative to the call. */
  readonly explainRows: readonly number[];
  /** (L, R, d) residual m_l after attention at the explain rows. */
  readonly explainM: Float32Array;
  /** (L, H, R, P + S) attention-probability rows at the explain rows. */
  readonly explainAttn: Float32Array;
}

export interface ExplainHeadOutput {
  /** (K, T, H, S): G rows; only columns ≤ q_t are meaningful. */
  readonly gradient: Float32Array;
  /** (K, T) logit-lens scores s_{l,t}. */
  readonly lensScores: Float32Array;
  readonly width: number;
}

export class VlmModel {
  readonly manifest: BundleManifest;
  readonly cacheShape: CacheShape;

  constructor(
    readonly bundle: LoadedBundle,
    readonly sessions: ModelSessions,
    readonly tokenizer: Tokenizer,
  ) {
    this.manifest = bundle.manifest;
    const t = this.manifest.text;
    this.cacheShape = { layers: t.num_layers, kvHeads: t.num_kv_heads, headDim: t.head_dim };
  }

  static async open(bundle: LoadedBundle, sessions: ModelSessions): Promise<VlmModel> {
    return new VlmModel(bundle, sessions, await Tokenizer.fromFile(bundle.tokenizerPath));
  }

  /** Templated prompt ids with the image placeholder expanded to N tokens, and where the image starts. */
  promptIds(prompt: string): { ids: number[]; imageStart: number } {
    const text = this.manifest.prompt.template.replace('{prompt}', prompt);
    const ids = this.bundle.family.expandImageTokens(this.tokenizer.encode(text), this.manifest);
    return { ids, imageStart: ids.indexOf(this.manifest.vision.image_token_id) };
  }

  /** Answer text → ids, no special tokens (how the reference encodes a given answer). */
  answerIds(answer: string): number[] {
    return this.tokenizer.encode(answer, { addSpecialTokens: false });
  }

  async embed(ids: readonly number[]): Promise<Float32Array> {
    const out = await (await this.sessions.session('embed')).run({ input_ids: i64(ids, [1, ids.length]) });
    return floats(out, 'inputs_embeds');
  }

  async vision(pixelValues: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    const out = await (await this.sessions.session('vision')).run({ pixel_values: f32(pixelValues, dims) });
    return floats(out, 'image_embeds');
  }

  /** (S, d) embeddings: token rows, the N image-token rows overwritten by the vision rows in order. */
  async inputsEmbeds(ids: readonly number[], pixelValues: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    const d = this.manifest.text.hidden_size;
    const embeds = await this.embed(ids);
    const imageId = this.manifest.vision.image_token_id;
    const cols = ids.flatMap((id, i) => (id === imageId ? [i] : []));
    if (cols.length === 0) return embeds;
    const image = await this.vision(pixelValues, dims);
    if (image.length !== cols.length * d) throw new RangeError(`inputs embeds: expected ${image.length / d} image tokens in the prompt, found ${cols.length}`);
    cols.forEach((col, n) => embeds.set(image.subarray(n * d, (n + 1) * d), col * d));
    return embeds;
  }

  /** One decoder call: rows continue the cache's positions; explain rows are relative to this call. */
  async step(embeds: Float32Array, cache: KvCache, explainRows: readonly number[] = []): Promise<StepOutput> {
    const d = this.manifest.text.hidden_size;
    const rows = embeds.length / d;
    if (cache.length + rows > this.manifest.text.max_positions) {
      throw new DexarError('validation', `decoder: expected at most ${this.manifest.text.max_positions} positions (the model's context, text.max_positions), found ${cache.length + rows}; shorten the prompt or answer`, 'ValidationError');
    }
    const positions = Array.from({ length: rows }, (_, i) => cache.length + i);
    const out = await (await this.sessions.session('decoder')).run({
      inputs_embeds: f32(embeds, [1, rows, d]),
      position_ids: i64(positions, [1, rows]),
      past_keys: f32(cache.keys, cache.dims),
      past_values: f32(cache.values, cache.dims),
      explain_rows: i64(explainRows, [explainRows.length]),
    });
    const present = out.present_keys;
    if (present === undefined) throw new Error('decoder: expected output present_keys, found none');
    return {
      rows,
      logits: floats(out, 'logits'),
      cache: KvCache.fromPresent(this.cacheShape, floats(out, 'present_keys'), floats(out, 'present_values'), present.dims),
      explainRows: [...explainRows],
      explainM: floats(out, 'explain_m'),
      explainAttn: floats(out, 'explain_attn'),
    };
  }

  /**
   * The explain head for K layers × T targets; m is (K, T, d). The head computes the K requested
   * layers only and takes only their value cache (K, H_kv, S, hd), in layerIds order.
   */
  async explainHead(m: Float32Array, layerIds: readonly number[], targetIds: readonly number[], cache: KvCache, normTwiceLast: boolean): Promise<ExplainHeadOutput> {
    const d = this.manifest.text.hidden_size;
    if (m.length !== layerIds.length * targetIds.length * d) throw new RangeError(`explain head: expected m of ${layerIds.length}×${targetIds.length}×${d} values, found ${m.length}`);
    const out = await (await this.sessions.session('explain')).run({
      m: f32(m, [layerIds.length, targetIds.length, d]),
      values: f32(layerValues(cache, layerIds), [layerIds.length, cache.shape.kvHeads, cache.length, cache.shape.headDim]),
      layer_ids: i64(layerIds, [layerIds.length]),
      target_ids: i64(targetIds, [targetIds.length]),
      norm_twice_last: f32(Float32Array.of(normTwiceLast ? 1 : 0), []),
    });
    return { gradient: floats(out, 'G'), lensScores: floats(out, 'lens_scores'), width: cache.length };
  }
}

/** (K, H_kv, P, hd): the cache's values of `layerIds`, in that order (one layer is a contiguous slice of (L, 1, H_kv, P, hd)). */
export function layerValues(cache: KvCache, layerIds: readonly number[]): Float32Array {
  const { layers, kvHeads, headDim } = cache.shape;
  const per = kvHeads * cache.length * headDim;
  const out = new Float32Array(layerIds.length * per);
  layerIds.forEach((layer, k) => {
    if (!Number.isInteger(layer) || layer < 0 || layer >= layers) throw new RangeError(`explain head: expected layer ids in [0, ${layers}), found ${layer}`);
    out.set(cache.values.subarray(layer * per, (layer + 1) * per), k * per);
  });
  return out;
}

function floats(out: Record<string, TensorData>, name: string): Float32Array {
  const t = out[name];
  if (t === undefined || t.type !== 'float32') throw new Error(`graph output ${name}: expected float32, found ${t === undefined ? 'none' : t.type}`);
  return t.data;
}
