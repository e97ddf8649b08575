/**
 * One answer token's DEX-AR evidence (DESIGN §3, per token and layer): P^img, P^txt, head scores
 * Sv / Stxt, head filter w, token weight δ_t and the raw-attention baseline. Everything here
 * depends on this token's G rows only, so it is computed as soon as the token's rows exist
 * (online mode) and combined across tokens later (maps.ts).
 */
import { imageColumns, textColumns, type ImageSpan } from './columns';
import { headFilter, minmax, reluColumns, tokenWeight, topKMean } from './scores';

/** The G rows (and optionally attention rows) of one answer token at query row q_t. */
export interface TokenRows {
  /** q_t, the 0-based row that predicts the token. */
  readonly queryRow: number;
  /** G_{l,t} for the K explained layers: (K × H × (q_t+1)), row-major. */
  readonly gradient: Float32Array;
  /** A_l[:, q_t, :] for the same layers, same shape; null when the baseline is not wanted. */
  readonly attention: Float32Array | null;
}

/** Sizes shared by every token of one explanation. */
export interface RowLayout {
  /** K = |Λ| explained layers. */
  readonly layers: number;
  /** H query heads. */
  readonly heads: number;
  /** Where the image tokens sit. */
  readonly image: ImageSpan;
}

export interface TokenEvidence {
  readonly queryRow: number;
  /** X_t, the text columns of this token. */
  readonly textColumns: Int32Array;
  /** P^img = ReLU(G[:, I]): (K × H × N). */
  readonly imageRelevance: Float32Array;
  /** Sv per (layer, head): (K × H). */
  readonly visualScores: Float64Array;
  /** Stxt per (layer, head): (K × H). */
  readonly textScores: Float64Array;
  /** w = max(0, Sv − Stxt): (K × H). */
  readonly headWeights: Float64Array;
  /** δ_t. */
  readonly tokenWeight: number;
  /** Raw-attention baseline, mean over Λ and heads of A_l[h, q_t, I]: (N); null without attention rows. */
  readonly attentionMap: Float64Array | null;
}

export interface EvidenceOptions {
  readonly topK: number;
  readonly dropColumnAfterImage: boolean;
}

export function tokenEvidence(rows: TokenRows, layout: RowLayout, options: EvidenceOptions): TokenEvidence {
  const width = rows.queryRow + 1;
  const headRows = layout.layers * layout.heads;
  if (rows.gradient.length !== headRows * width) {
    throw new RangeError(
      `token evidence: expected G rows of ${layout.layers}×${layout.heads}×${width} = ${headRows * width} values for q=${rows.queryRow}, found ${rows.gradient.length}`,
    );
  }
  const image = imageColumns(layout.image);
  const text = textColumns(rows.queryRow, layout.image, options.dropColumnAfterImage);
  const imageRelevance = reluColumns(rows.gradient, headRows, width, image);
  const textRelevance = reluColumns(rows.gradient, headRows, width, text);
  const visualScores = topKMean(imageRelevance, headRows, image.length, options.topK);
  const textScores = topKMean(textRelevance, headRows, text.length, options.topK);
  return {
    queryRow: rows.queryRow,
    textColumns: text,
    imageRelevance,
    visualScores,
    textScores,
    headWeights: headFilter(visualScores, textScores),
    tokenWeight: tokenWeight(visualScores, textScores),
    attentionMap: rows.attention === null ? null : attentionMap(rows.attention, headRows, width, image),
  };
}

/** Mean over all (layer, head) rows of the attention on the image columns; not min-maxed. */
function attentionMap(attention: Float32Array, headRows: number, width: number, image: Int32Array): Float64Array {
  if (attention.length !== headRows * width) {
    throw new RangeError(`attention map: expected ${headRows}×${width} attention values, found ${attention.length}`);
  }
  const out = new Float64Array(image.length);
  for (let r = 0; r < headRows; r++) {
    for (let c = 0; c < image.length; c++) out[c] = (out[c] as number) + (attention[r * width + (image[c] as number)] as number);
  }
  return out.map((v) => v / headRows);
}

/** Σ_l Σ_h w_{l,h} · P_{l,h}[j] (weights null: unweighted) over the (K·H × N) relevance rows. */
export function weightedHeadSum(relevance: Float32Array | Float64Array, weights: Float64Array | null, headRows: number): Float64Array {
  const n = relevance.length / headRows;
  const out = new Float64Array(n);
  for (let r = 0; r < headRows; r++) {
    const w = weights === null ? 1 : (weights[r] as number);
    if (w === 0) continue;
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) + w * (relevance[r * n + j] as number);
  }
  return out;
}

/**
 * The token's map E_t as soon as its rows exist. The global min-max P̂ = (P − lo)/(hi − lo) is
 * affine with a positive scale, so Σ w·P̂ = (Σ w·P − lo·Σ w)/(hi − lo) differs from Σ w·P by a
 * column-independent shift and a positive factor, which the outer min-max removes: the online
 * map equals the final one (up to rounding) without knowing the other tokens.
 */
export function onlineTokenMap(evidence: TokenEvidence, headRows: number): Float64Array {
  return minmax(weightedHeadSum(evidence.imageRelevance, evidence.headWeights, headRows));
}
