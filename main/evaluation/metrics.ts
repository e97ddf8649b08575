/**
 * Localisation and faithfulness metrics as DESIGN §4 defines them. Maps and masks are row-major
 * arrays at the same (mask) resolution; maps hold values in [0,1], masks are 0/1.
 */

function assertSameLength(map: ArrayLike<number>, mask: ArrayLike<number>, what: string): void {
  if (map.length !== mask.length) {
    throw new RangeError(`${what}: map has ${map.length} values but mask has ${mask.length}; resample the map to the mask first`);
  }
  if (map.length === 0) throw new RangeError(`${what}: empty map`);
}

/** Soft-IoU(E, M) = Σ min(E, M) / Σ max(E, M). 0 when both are all zero. */
export function softIoU(map: ArrayLike<number>, mask: ArrayLike<number>): number {
  assertSameLength(map, mask, 'softIoU');
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < map.length; i++) {
    const e = map[i] as number;
    const m = mask[i] as number;
    intersection += Math.min(e, m);
    union += Math.max(e, m);
  }
  return union === 0 ? 0 : intersection / union;
}

/** Index of the first maximum in row-major order (ties go to the first, as a scan would). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Pointing game: a hit when the map's maximum lies inside the mask. */
export function pointingGameHit(map: ArrayLike<number>, mask: ArrayLike<number>): boolean {
  assertSameLength(map, mask, 'pointingGameHit');
  return (mask[argmax(map)] as number) > 0;
}

/**
 * Pointing game with ties: the fraction of the map's maximal pixels that lie inside the mask (1 or
 * 0 without ties). A flat map (e.g. every head filtered out) then scores the mask's area fraction,
 * its expected hit under uniform tie-breaking, instead of whatever the first pixel happens to be.
 * Same definition as models/demo/explain_eval.py.
 */
export function pointingGameScore(map: ArrayLike<number>, mask: ArrayLike<number>): number {
  assertSameLength(map, mask, 'pointingGameScore');
  const top = map[argmax(map)] as number;
  let ties = 0;
  let inside = 0;
  for (let i = 0; i < map.length; i++) {
    if ((map[i] as number) === top) {
      ties++;
      if ((mask[i] as number) > 0) inside++;
    }
  }
  return inside / ties;
}

function ratioOfMeans(numSum: number, numCount: number, denSum: number, denCount: number): number {
  if (numCount === 0 || denCount === 0) return Number.NaN;
  const num = numSum / numCount;
  const den = denSum / denCount;
  if (den === 0) return num === 0 ? Number.NaN : Number.POSITIVE_INFINITY;
  return num / den;
}

/**
 * SNR_map = mean(E inside M) / mean(E outside M). NaN when the mask is empty or full (undefined),
 * +∞ when the map is zero everywhere outside the mask but not inside.
 */
export function snrMap(map: ArrayLike<number>, mask: ArrayLike<number>): number {
  assertSameLength(map, mask, 'snrMap');
  let inSum = 0;
  let inCount = 0;
  let outSum = 0;
  let outCount = 0;
  for (let i = 0; i < map.length; i++) {
    if ((mask[i] as number) > 0) {
      inSum += map[i] as number;
      inCount++;
    } else {
      outSum += map[i] as number;
      outCount++;
    }
  }
  return ratioOfMeans(inSum, inCount, outSum, outCount);
}

/** SNR_tokens = mean δ over visually grounded tokens / mean δ over linguistic tokens. */
export function snrTokens(deltas: ArrayLike<number>, grounded: ArrayLike<boolean>): number {
  if (deltas.length !== grounded.length) throw new RangeError(`snrTokens: ${deltas.length} δ values for ${grounded.length} flags`);
  let gSum = 0;
  let gCount = 0;
  let lSum = 0;
  let lCount = 0;
  for (let i = 0; i < deltas.length; i++) {
    if (grounded[i]) {
      gSum += deltas[i] as number;
      gCount++;
    } else {
      lSum += deltas[i] as number;
      lCount++;
    }
  }
  return ratioOfMeans(gSum, gCount, lSum, lCount);
}

/** The perturbation fractions of DESIGN §4: p = 0, 10, …, 90 percent. */
export const PERTURBATION_STEPS: readonly number[] = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90];

/**
 * Patches to remove at p percent. 'positive' removes the most relevant first, 'negative' the
 * least; ties keep patch order so the choice is deterministic. Returns patch indices.
 */
export function patchesToRemove(patchScores: ArrayLike<number>, percent: number, mode: 'positive' | 'negative'): number[] {
  if (percent < 0 || percent > 100) throw new RangeError(`patchesToRemove: percent must be in [0,100], got ${percent}`);
  const order = Array.from({ length: patchScores.length }, (_, i) => i);
  const sign = mode === 'positive' ? -1 : 1;
  order.sort((a, b) => sign * ((patchScores[a] as number) - (patchScores[b] as number)) || a - b);
  return order.slice(0, Math.round((percent / 100) * patchScores.length));
}

/** Perplexity of a fixed answer from its per-token log-probabilities (natural log). */
export function perplexity(tokenLogProbs: ArrayLike<number>): number {
  if (tokenLogProbs.length === 0) throw new RangeError('perplexity: no tokens');
  let sum = 0;
  for (let i = 0; i < tokenLogProbs.length; i++) sum += tokenLogProbs[i] as number;
  return Math.exp(-sum / tokenLogProbs.length);
}

/**
 * Area under the normalised-perplexity curve PPL_p / PPL_0 over p as a fraction (0 … 0.9),
 * by the trapezoid rule. A faithful map gives a high positive AUC (removing what it points at
 * hurts) and a low negative AUC.
 */
export function normalisedPerplexityAuc(percents: readonly number[], perplexities: readonly number[]): number {
  if (percents.length !== perplexities.length || percents.length < 2) {
    throw new RangeError('normalisedPerplexityAuc: need matching percents and perplexities, at least two points');
  }
  if (percents[0] !== 0) throw new RangeError('normalisedPerplexityAuc: the curve must start at p = 0');
  const base = perplexities[0] as number;
  let area = 0;
  for (let i = 1; i < percents.length; i++) {
    const dx = ((percents[i] as number) - (percents[i - 1] as number)) / 100;
    area += (dx * ((perplexities[i] as number) / base + (perplexities[i - 1] as number) / base)) / 2;
  }
  return area;
}

/** Lower-case, drop punctuation, collapse whitespace: "The circle is red." ≡ "the circle is red". */
export function normaliseAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[.,!?;:"'()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function exactMatch(predicted: string, expected: string): boolean {
  return normaliseAnswer(predicted) === normaliseAnswer(expected);
}
