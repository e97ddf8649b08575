/**
 * The decoder's KV cache (batch 1): past keys and values shaped (L, 1, H_kv, P, hd). The decoder
 * graph takes the whole cache and returns the grown one (present_*), so a step swaps the arrays;
 * the values double as the V_l the explain head needs (DESIGN §3, layer-local identity).
 */

export interface CacheShape {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

export class KvCache {
  private constructor(
    readonly shape: CacheShape,
    /** (L, 1, H_kv, P, hd) */
    readonly keys: Float32Array,
    /** (L, 1, H_kv, P, hd) */
    readonly values: Float32Array,
    /** P: positions held. */
    readonly length: number,
  ) {}

  static empty(shape: CacheShape): KvCache {
    return new KvCache(shape, new Float32Array(0), new Float32Array(0), 0);
  }

  /** The cache the decoder returned (present_keys / present_values with their dims). */
  static fromPresent(shape: CacheShape, keys: Float32Array, values: Float32Array, dims: readonly number[]): KvCache {
    const [layers, batch, kvHeads, length, headDim] = dims as [number, number, number, number, number];
    if (dims.length !== 5 || layers !== shape.layers || batch !== 1 || kvHeads !== shape.kvHeads || headDim !== shape.headDim) {
      throw new RangeError(`KV cache: expected present dims (${shape.layers}, 1, ${shape.kvHeads}, P, ${shape.headDim}), found (${dims.join(', ')})`);
    }
    if (keys.length !== values.length || keys.length !== layers * kvHeads * length * headDim) {
      throw new RangeError(`KV cache: expected ${layers * kvHeads * length * headDim} values per tensor, found ${keys.length} and ${values.length}`);
    }
    return new KvCache(shape, keys, values, length);
  }

  get dims(): [number, number, number, number, number] {
    return [this.shape.layers, 1, this.shape.kvHeads, this.length, this.shape.headDim];
  }
}
