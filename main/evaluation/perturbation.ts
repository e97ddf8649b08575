/**
 * Normalised-perplexity perturbation (DESIGN §4): remove the top (positive) or bottom (negative)
 * p% of patches by a map, re-score the fixed answer, and follow PPL_p / PPL_0 over p = 0 … 90.
 * "Remove" sets the patch's preprocessed pixels to 0, i.e. to the normalisation mean, the value
 * that carries no signal after normalisation (the convention of the perturbation literature).
 */
import { normalisedPerplexityAuc, patchesToRemove, PERTURBATION_STEPS } from './metrics';

export type Direction = 'positive' | 'negative';
export const DIRECTIONS: readonly Direction[] = ['positive', 'negative'];

export interface PerturbationCurve {
  /** p in percent: 0, 10, …, 90. */
  readonly percents: readonly number[];
  /** PPL_p / PPL_0 at each p (1 at p = 0). */
  readonly ratios: readonly number[];
  /** Trapezoid area under the ratios over p as a fraction in [0, 0.9]. */
  readonly auc: number;
}

/** Pixel rectangle [y0, y1) × [x0, x1) of grid cell `index` (row-major over gh × gw) in a height × width input. */
export function patchRect(index: number, grid: readonly [number, number], size: readonly [number, number]): [number, number, number, number] {
  const [gh, gw] = grid;
  const [h, w] = size;
  const r = Math.floor(index / gw);
  const c = index % gw;
  if (!Number.isInteger(index) || index < 0 || r >= gh) throw new RangeError(`patch rect: expected a cell index in [0, ${gh * gw}), found ${index}`);
  return [Math.floor((r * h) / gh), Math.floor(((r + 1) * h) / gh), Math.floor((c * w) / gw), Math.floor(((c + 1) * w) / gw)];
}

/** A copy of NCHW pixel values (batch 1) with the given grid cells set to 0 in every channel. */
export function removePatches(pixelValues: Float32Array, dims: readonly number[], grid: readonly [number, number], patches: readonly number[]): Float32Array {
  const [batch, channels, h, w] = dims as [number, number, number, number];
  if (batch !== 1 || pixelValues.length !== channels * h * w) {
    throw new RangeError(`remove patches: expected (1, C, H, W) pixel values matching dims ${dims.join('×')}, found ${pixelValues.length} values`);
  }
  const out = Float32Array.from(pixelValues);
  for (const index of patches) {
    const [y0, y1, x0, x1] = patchRect(index, grid, [h, w]);
    for (let ch = 0; ch < channels; ch++) for (let y = y0; y < y1; y++) out.fill(0, (ch * h + y) * w + x0, (ch * h + y) * w + x1);
  }
  return out;
}

/**
 * One curve: `perplexityOf(pixels)` re-scores the answer on perturbed pixels; `basePerplexity`
 * is PPL_0 (the untouched image), computed once per question and shared by every curve.
 */
export async function perturbationCurve(
  patchScores: ArrayLike<number>,
  direction: Direction,
  pixelValues: Float32Array,
  dims: readonly number[],
  grid: readonly [number, number],
  basePerplexity: number,
  perplexityOf: (pixels: Float32Array) => Promise<number>,
): Promise<PerturbationCurve> {
  const perplexities: number[] = [];
  for (const p of PERTURBATION_STEPS) {
    perplexities.push(p === 0 ? basePerplexity : await perplexityOf(removePatches(pixelValues, dims, grid, patchesToRemove(patchScores, p, direction))));
  }
  return { percents: [...PERTURBATION_STEPS], ratios: perplexities.map((v) => v / basePerplexity), auc: normalisedPerplexityAuc(PERTURBATION_STEPS, perplexities) };
}
