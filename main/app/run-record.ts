/** An engine outcome as the store keeps it: tokens with probabilities, and every map of DESIGN §3. */
import type { RunToken } from '../../shared/api/runs';
import type { Explanation } from '../engine/explain';
import type { ResultDocument } from '../engine/result';
import type { HeatmapInput } from '../store';

/** p(token) at its position: softmax of that row of logits (teacher forcing may pick a token outside the top-5). */
function tokenProbability(logits: Float32Array, vocab: number, row: number, id: number): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[row * vocab + v] as number);
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp((logits[row * vocab + v] as number) - max);
  return Math.exp((logits[row * vocab + id] as number) - max) / sum;
}

export function runTokens(explanation: Explanation): RunToken[] {
  const count = explanation.tokens.length;
  const vocab = count > 0 ? explanation.logits.length / count : 0;
  return explanation.tokens.map((token, row) => ({
    index: token.index,
    id: token.id,
    text: token.text,
    delta: token.delta,
    grounded: token.grounded,
    prob: Math.min(1, Math.max(0, tokenProbability(explanation.logits, vocab, row, token.id))),
    top5: token.top.slice(0, 5).map((alt) => ({ id: alt.id, text: alt.text, prob: Math.min(1, Math.max(0, alt.prob)) })),
  }));
}

/** Mean of per-token maps: the sentence-level raw-attention baseline. */
function meanMap(maps: readonly ArrayLike<number>[], size: number): Float32Array {
  const out = new Float32Array(size);
  for (const map of maps) for (let i = 0; i < size; i++) out[i] = (out[i] as number) + (map[i] as number) / maps.length;
  return out;
}

/**
 * Per-layer/head maps P̂ with their filter weights w for the head browser. Kept only while they
 * stay small (about 8 MB a run): on 7B-sized models they would dwarf everything else stored.
 */
export const MAX_HEAD_DETAIL_VALUES = 2_000_000;

function headDetails(explanation: Explanation, t: number): NonNullable<HeatmapInput['details']> {
  const [gh, gw] = explanation.grid;
  const n = gh * gw;
  const relevance = explanation.maps.normalisedRelevance[t];
  const weights = explanation.evidence[t]?.headWeights;
  if (!relevance || !weights) return [];
  const heads = weights.length / explanation.layers.length;
  return explanation.layers.flatMap((layer, k) =>
    Array.from({ length: heads }, (_, h) => ({
      layer,
      head: h,
      weight: weights[k * heads + h] as number,
      values: relevance.subarray((k * heads + h) * n, (k * heads + h + 1) * n),
    })),
  );
}

export function runHeatmaps(explanation: Explanation, document: ResultDocument): HeatmapInput[] {
  const [gh, gw] = explanation.grid;
  const grid = (values: ArrayLike<number>) => ({ gh, gw, values });
  const { maps } = explanation;
  const heatmaps: HeatmapInput[] = [
    { kind: 'sentence', tokenIndex: null, ...grid(maps.sentenceMap) },
    { kind: 'unfiltered', tokenIndex: null, ...grid(maps.unfilteredSentenceMap) },
    { kind: 'baseline-random', tokenIndex: null, ...grid(document.maps.random.flat()) },
  ];
  const detailValues = explanation.tokens.length * (maps.normalisedRelevance[0]?.length ?? 0);
  const withDetails = detailValues <= MAX_HEAD_DETAIL_VALUES;
  maps.tokenMaps.forEach((map, t) => heatmaps.push({ kind: 'token', tokenIndex: t, ...grid(map), ...(withDetails ? { details: headDetails(explanation, t) } : {}) }));
  maps.unfilteredTokenMaps.forEach((map, t) => heatmaps.push({ kind: 'unfiltered-token', tokenIndex: t, ...grid(map) }));
  if (maps.attentionMaps !== null && maps.attentionMaps.length > 0) {
    maps.attentionMaps.forEach((map, t) => heatmaps.push({ kind: 'baseline-attention-token', tokenIndex: t, ...grid(map) }));
    heatmaps.push({ kind: 'baseline-attention', tokenIndex: null, ...grid(meanMap(maps.attentionMaps, gh * gw)) });
  }
  return heatmaps;
}
