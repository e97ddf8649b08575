/**
 * Cross-token DEX-AR quantities (DESIGN §3): global min-max P̂, per-token maps E_t, the sentence
 * map and their unfiltered variants, plus the raw-attention baseline. Maps are flat over N here,
 * row-major over the gh × gw grid as the vision tower emits the image tokens.
 */
import type { TokenEvidence } from './evidence';
import { weightedHeadSum } from './evidence';
import { minmax } from './scores';

export interface DexarMaps {
  /** P̂: one min-max of P^img over every t, l, h, j together: T × (K·H·N). */
  readonly normalisedRelevance: Float64Array[];
  /** δ_t per token. */
  readonly tokenWeights: Float64Array;
  /** E_t = minmax(Σ_l Σ_h w·P̂): T × N. */
  readonly tokenMaps: Float64Array[];
  /** E = minmax(Σ_t δ_t Σ_l Σ_h w·P̂): N. */
  readonly sentenceMap: Float64Array;
  /** minmax(Σ_l Σ_h P̂): T × N. */
  readonly unfilteredTokenMaps: Float64Array[];
  /** minmax(Σ_t Σ_l Σ_h P̂): N. */
  readonly unfilteredSentenceMap: Float64Array;
  /** Raw attention, mean over Λ and heads of A_l[h, q_t, I], not min-maxed: T × N (null without attention rows). */
  readonly attentionMaps: Float64Array[] | null;
}

/** Combine every token's evidence; `headRows` = K·H. */
export function combineEvidence(tokens: readonly TokenEvidence[], headRows: number): DexarMaps {
  if (tokens.length === 0) throw new RangeError('DEX-AR maps: expected at least one answer token, found none');
  const normalisedRelevance = normaliseRelevance(tokens.map((t) => t.imageRelevance));
  const n = (tokens[0] as TokenEvidence).imageRelevance.length / headRows;
  const filtered = tokens.map((t, i) => weightedHeadSum(normalisedRelevance[i] as Float64Array, t.headWeights, headRows));
  const unfiltered = normalisedRelevance.map((p) => weightedHeadSum(p, null, headRows));
  const tokenWeights = Float64Array.from(tokens, (t) => t.tokenWeight);
  // Built from the un-normalised per-token sums, not from the E_t maps: δ_t weighs each
  // token's evidence at its own scale (as the reference does).
  const sentence = new Float64Array(n);
  const unfilteredSentence = new Float64Array(n);
  tokens.forEach((_, t) => {
    const delta = tokenWeights[t] as number;
    const f = filtered[t] as Float64Array;
    const u = unfiltered[t] as Float64Array;
    for (let j = 0; j < n; j++) {
      sentence[j] = (sentence[j] as number) + delta * (f[j] as number);
      unfilteredSentence[j] = (unfilteredSentence[j] as number) + (u[j] as number);
    }
  });
  const attention = tokens.map((t) => t.attentionMap);
  return {
    normalisedRelevance,
    tokenWeights,
    tokenMaps: filtered.map(minmax),
    sentenceMap: minmax(sentence),
    unfilteredTokenMaps: unfiltered.map(minmax),
    unfilteredSentenceMap: minmax(unfilteredSentence),
    attentionMaps: attention.every((a) => a !== null) ? (attention as Float64Array[]) : null,
  };
}

/** One min and one max over all tokens' P^img (not per token or layer); constant → unchanged. */
export function normaliseRelevance(perToken: readonly Float32Array[]): Float64Array[] {
  let low = Infinity;
  let high = -Infinity;
  for (const p of perToken) {
    for (const v of p) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  const range = high - low;
  // Indexed loops: Float64Array.from with a map function walks an iterator (≈ 20× slower here).
  return perToken.map((p) => {
    const out = new Float64Array(p);
    if (high > low) for (let i = 0; i < out.length; i++) out[i] = ((out[i] as number) - low) / range;
    return out;
  });
}
