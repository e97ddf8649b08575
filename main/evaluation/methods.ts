/**
 * The heatmap methods an evaluation compares (DESIGN §3 "Baselines"), each as per-token maps, a
 * sentence map and per-token weights (for SNR_tokens), all on the gh × gw grid, built from one
 * teacher-forced explanation's evidence with the shared DEX-AR math:
 * - dexar: E_t = minmax(Σ w·P̂), E = minmax(Σ_t δ_t Σ w·P̂), weights δ_t. The ablations replace
 *   w by 1 (no head filter) and δ_t by 1 (no sequence filter) while keeping the other;
 * - dexar-unfiltered: minmax(Σ P̂) per token and over tokens; weight max_{l,h} Sv (no text subtraction);
 * - attention: mean over Λ and heads of the attention rows on the image; sentence = minmax(Σ_t);
 *   weight = attention mass on the image;
 * - random: seeded U(0,1) maps and weights (the sanity floor).
 */
import { randomMap } from '../../shared/dexar/baselines';
import { normaliseRelevance } from '../../shared/dexar/maps';
import { weightedHeadSum, type TokenEvidence } from '../../shared/dexar/evidence';
import { minmax } from '../../shared/dexar/scores';

export const METHODS = ['dexar', 'dexar-unfiltered', 'attention', 'random'] as const;
export type MethodName = (typeof METHODS)[number];

export interface MethodMaps {
  /** E_t per answer token, N values each. */
  readonly tokenMaps: readonly Float64Array[];
  /** The sentence map E, N values. */
  readonly sentenceMap: Float64Array;
  /** One weight per answer token (δ_t for DEX-AR). */
  readonly tokenWeights: Float64Array;
}

export interface MethodOptions {
  /** Weigh heads by w = max(0, Sv − Stxt); false = every head weighs 1 (ablation). */
  readonly headFilter: boolean;
  /** Weigh tokens by δ_t in the sentence map; false = every token weighs 1 (ablation). */
  readonly sequenceFilter: boolean;
  /** Seed of the random baseline for this question. */
  readonly randomSeed: number;
}

export function parseMethods(spec: string): MethodName[] {
  const names = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.filter((n) => !(METHODS as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) throw new RangeError(`methods: expected a comma list of ${METHODS.join(', ')}, found ${JSON.stringify(spec)}`);
  return [...new Set(names)] as MethodName[];
}

function dexarMaps(evidence: readonly TokenEvidence[], p: readonly Float64Array[], headRows: number, n: number, options: MethodOptions): MethodMaps {
  const perToken = evidence.map((e, t) => weightedHeadSum(p[t] as Float64Array, options.headFilter ? e.headWeights : null, headRows));
  const deltas = Float64Array.from(evidence, (e) => e.tokenWeight);
  const sentence = new Float64Array(n);
  perToken.forEach((m, t) => {
    const weight = options.sequenceFilter ? (deltas[t] as number) : 1;
    for (let j = 0; j < n; j++) sentence[j] = (sentence[j] as number) + weight * (m[j] as number);
  });
  return { tokenMaps: perToken.map(minmax), sentenceMap: minmax(sentence), tokenWeights: deltas };
}

function unfilteredMaps(evidence: readonly TokenEvidence[], p: readonly Float64Array[], headRows: number, n: number): MethodMaps {
  const perToken = p.map((pt) => weightedHeadSum(pt, null, headRows));
  const sentence = new Float64Array(n);
  for (const m of perToken) for (let j = 0; j < n; j++) sentence[j] = (sentence[j] as number) + (m[j] as number);
  return { tokenMaps: perToken.map(minmax), sentenceMap: minmax(sentence), tokenWeights: Float64Array.from(evidence, (e) => Math.max(...e.visualScores)) };
}

function attentionMaps(evidence: readonly TokenEvidence[], n: number): MethodMaps {
  const perToken = evidence.map((e, t) => {
    if (e.attentionMap === null) throw new RangeError(`attention method: expected attention rows for token ${t}, found none`);
    return e.attentionMap;
  });
  const sentence = new Float64Array(n);
  for (const m of perToken) for (let j = 0; j < n; j++) sentence[j] = (sentence[j] as number) + (m[j] as number);
  return { tokenMaps: perToken, sentenceMap: minmax(sentence), tokenWeights: Float64Array.from(perToken, (m) => m.reduce((a, b) => a + b, 0)) };
}

function randomMaps(tokens: number, n: number, seed: number): MethodMaps {
  const draws = randomMap((tokens + 1) * n + tokens, seed);
  return {
    tokenMaps: Array.from({ length: tokens }, (_, t) => draws.slice(t * n, (t + 1) * n)),
    sentenceMap: draws.slice(tokens * n, (tokens + 1) * n),
    tokenWeights: draws.slice((tokens + 1) * n),
  };
}

/** Every requested method's maps for one explanation (`headRows` = K·H, N image tokens). */
export function methodMaps(evidence: readonly TokenEvidence[], headRows: number, n: number, methods: readonly MethodName[], options: MethodOptions): Record<string, MethodMaps> {
  if (evidence.length === 0) throw new RangeError('method maps: expected at least one answer token, found none');
  const p = normaliseRelevance(evidence.map((e) => e.imageRelevance));
  const out: Record<string, MethodMaps> = {};
  for (const name of methods) {
    if (name === 'dexar') out[name] = dexarMaps(evidence, p, headRows, n, options);
    else if (name === 'dexar-unfiltered') out[name] = unfilteredMaps(evidence, p, headRows, n);
    else if (name === 'attention') out[name] = attentionMaps(evidence, n);
    else out[name] = randomMaps(evidence.length, n, options.randomSeed);
  }
  return out;
}

/** A 32-bit seed per question from the run's seed and the question id (FNV-1a), so resumed runs repeat it. */
export function questionSeed(seed: number, id: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const ch of id) h = Math.imul(h ^ (ch.codePointAt(0) as number), 0x01000193) >>> 0;
  return h;
}
