/**
 * Geometry of the perturbation-curve chart (PPL_p / PPL_0 over the share of patches removed):
 * scales, ticks and SVG polyline points for every method × direction. The component only draws
 * what this returns.
 */
import type { MethodSummary } from '../../shared/api/evaluation';
import { niceTicks, ratioAxis } from '../../shared/chart/ratio-axis';

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
  /** Log when the values span more than LOG_SPAN (shared/chart/ratio-axis.ts). */
  readonly yScale: 'linear' | 'log';
  /** The plot area in pixels. */
  readonly plot: { readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number };
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

/** Scales and lines for the curves of the given methods (in legend order); the y axis is shared/chart/ratio-axis.ts's. */
export function perturbationChart(box: ChartBox, curves: readonly ChartCurve[]): ChartGeometry {
  const plot = { x0: box.margin.left, x1: box.width - box.margin.right, y0: box.height - box.margin.bottom, y1: box.margin.top };
  const percents = curves.flatMap((c) => c.perturbation.percents);
  const values = curves.flatMap((c) => [...c.perturbation.positive_curve, ...c.perturbation.negative_curve]);
  const axis = ratioAxis(values);
  const xMin = percents.length ? Math.min(...percents) : 0;
  const xMax = percents.length ? Math.max(...percents) : 90;
  const px = (p: number) => plot.x0 + ((p - xMin) / (xMax - xMin || 1)) * (plot.x1 - plot.x0);
  const py = (v: number) => plot.y0 - axis.fraction(v) * (plot.y0 - plot.y1);

  const xValues = [...new Set(percents)].sort((a, b) => a - b);
  const xTicks = (xValues.length ? xValues : niceTicks(xMin, xMax)).map((value) => ({ value, at: px(value), label: `${value}` }));
  const yTicks = axis.ticks.map((value) => ({ value, at: py(value), label: `${value}` }));

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
  return { xTicks, yTicks, lines, unitY: py(1), yDomain: [axis.lo, axis.hi], yScale: axis.scale, plot };
}
