/**
 * Geometry of the perturbation-curve chart (PPL_p / PPL_0 over the share of patches removed):
 * scales, ticks and SVG polyline points for every method × direction. The component only draws
 * what this returns.
 */
import type { MethodSummary } from '../../shared/api/evaluation';

export type PerturbationSummary = NonNullable<MethodSummary['perturbation']>;

/**
 * Okabe–Ito, the palette designed to stay distinguishable under the common colour-vision
 * deficiencies; ordered so the first four (the four built-in methods) also read on a dark panel.
 */
export const CB_PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#F0E442', '#D55E00', '#0072B2'] as const;

/** Positive (most relevant patches removed) solid, negative dashed: colour is never the only cue. */
export type Direction = 'positive' | 'negative';
export const DASH: Record<Direction, string | undefined> = { positive: undefined, negative: '6 4' };

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };
}

export interface Tick {
  readonly value: number;
  /** Pixel position along its axis. */
  readonly at: number;
  readonly label: string;
}

export interface ChartLine {
  readonly method: string;
  readonly direction: Direction;
  readonly colour: string;
  readonly dash: string | undefined;
  /** Pixel points, one per finite curve value, in percent order. */
  readonly points: readonly { readonly x: number; readonly y: number; readonly value: number; readonly percent: number }[];
  /** The same points as an SVG `points` attribute. */
  readonly polyline: string;
}

export interface ChartGeometry {
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  readonly lines: readonly ChartLine[];
  /** Pixel y of PPL_p / PPL_0 = 1, the no-effect reference line (always inside the range). */
  readonly unitY: number;
  /** The plotted value range after padding, bottom to top. */
  readonly yDomain: readonly [number, number];
  /** Log when the values span more than LOG_SPAN: mean PPL ratios are heavy-tailed (a few exploding questions). */
  readonly yScale: 'linear' | 'log';
  /** The plot area in pixels. */
  readonly plot: { readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number };
}

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

/** Above this max/min ratio of the plotted values the y axis turns logarithmic. */
export const LOG_SPAN = 20;

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

/** The colour of the i-th method in the run's order (palette repeats past seven methods). */
export function methodColour(index: number): string {
  return CB_PALETTE[((index % CB_PALETTE.length) + CB_PALETTE.length) % CB_PALETTE.length] as string;
}

export interface ChartCurve {
  readonly method: string;
  readonly perturbation: PerturbationSummary;
  /** Palette index; the method's row in the table, so a method keeps its colour when another has no curves. */
  readonly colourIndex: number;
}

/**
 * Scales and lines for the curves of the given methods (in legend order). The y range always
 * contains 1 (PPL_p = PPL_0, the no-effect line) and is padded by 5 % so no curve touches the
 * frame; a flat range is widened so the scale stays finite. Values spanning more than LOG_SPAN
 * (all ratios are positive) get a log axis, padded by 5 % of the range in log units.
 */
export function perturbationChart(box: ChartBox, curves: readonly ChartCurve[]): ChartGeometry {
  const plot = { x0: box.margin.left, x1: box.width - box.margin.right, y0: box.height - box.margin.bottom, y1: box.margin.top };
  const percents = curves.flatMap((c) => c.perturbation.percents);
  const values = curves.flatMap((c) => [...c.perturbation.positive_curve, ...c.perturbation.negative_curve]).filter(Number.isFinite);
  let lo = Math.min(1, ...values);
  let hi = Math.max(1, ...values);
  const yScale = lo > 0 && hi / lo > LOG_SPAN ? 'log' : 'linear';
  if (yScale === 'log') {
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
  const toAxis = yScale === 'log' ? Math.log10 : (v: number) => v;
  const xMin = percents.length ? Math.min(...percents) : 0;
  const xMax = percents.length ? Math.max(...percents) : 90;
  const px = (p: number) => plot.x0 + ((p - xMin) / (xMax - xMin || 1)) * (plot.x1 - plot.x0);
  const py = (v: number) => plot.y0 - ((toAxis(v) - toAxis(lo)) / (toAxis(hi) - toAxis(lo))) * (plot.y0 - plot.y1);

  const xValues = [...new Set(percents)].sort((a, b) => a - b);
  const xTicks = (xValues.length ? xValues : niceTicks(xMin, xMax)).map((value) => ({ value, at: px(value), label: `${value}` }));
  const yTicks = (yScale === 'log' ? logTicks(lo, hi) : niceTicks(lo, hi)).map((value) => ({ value, at: py(value), label: `${value}` }));

  const lines: ChartLine[] = [];
  for (const { method, perturbation, colourIndex } of curves) {
    for (const direction of ['positive', 'negative'] as const) {
      const curve = direction === 'positive' ? perturbation.positive_curve : perturbation.negative_curve;
      const points = perturbation.percents.flatMap((percent, k) => {
        const value = curve[k];
        return value !== undefined && Number.isFinite(value) ? [{ x: px(percent), y: py(value), value, percent }] : [];
      });
      lines.push({ method, direction, colour: methodColour(colourIndex), dash: DASH[direction], points, polyline: points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ') });
    }
  }
  return { xTicks, yTicks, lines, unitY: py(1), yDomain: [lo, hi], yScale, plot };
}
