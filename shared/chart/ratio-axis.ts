/**
 * The value axis of a ratio plot (PPL_p / PPL_0 perturbation curves), shared by the in-app chart
 * and the PNG plots `dexar eval` writes: a range that always contains 1 (no effect), padded by
 * 5 % so no curve touches the frame, and logarithmic once the values span more than LOG_SPAN,
 * as mean perplexity ratios do when a few questions explode.
 */

/** Above this max/min ratio of the plotted values the axis turns logarithmic. */
export const LOG_SPAN = 20;

/** "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((f) => f * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  // Tolerances absorb float drift so an end that is a multiple of the step is kept.
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Log-axis ticks: 1, 2 and 5 × 10^k inside [lo, hi] (lo > 0), thinned to powers of ten when crowded. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo) || !Number.isFinite(hi)) return [];
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const f of [1, 2, 5]) {
      const v = Number((f * 10 ** k).toPrecision(12));
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  return ticks.length > 8 ? ticks.filter((v) => Number.isInteger(Math.log10(v))) : ticks;
}

export interface RatioAxis {
  readonly scale: 'linear' | 'log';
  /** The padded range, bottom to top. */
  readonly lo: number;
  readonly hi: number;
  readonly ticks: readonly number[];
  /** Where a value sits on the axis: 0 at `lo`, 1 at `hi`. */
  fraction(value: number): number;
}

/** The axis for these values (non-finite ones are ignored). */
export function ratioAxis(values: readonly number[]): RatioAxis {
  const finite = values.filter(Number.isFinite);
  let lo = Math.min(1, ...finite);
  let hi = Math.max(1, ...finite);
  const scale = lo > 0 && hi / lo > LOG_SPAN ? 'log' : 'linear';
  if (scale === 'log') {
    const pad = Math.log10(hi / lo) * 0.05;
    lo /= 10 ** pad;
    hi *= 10 ** pad;
  } else {
    if (hi - lo < 1e-6) {
      lo -= 0.05;
      hi += 0.05;
    }
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const at = scale === 'log' ? Math.log10 : (v: number) => v;
  const [a, b] = [at(lo), at(hi)];
  return { scale, lo, hi, ticks: scale === 'log' ? logTicks(lo, hi) : niceTicks(lo, hi), fraction: (v) => (at(v) - a) / (b - a) };
}
