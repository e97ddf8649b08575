/**
 * Head scores, head filter, token weight and min-max (DESIGN §3) on plain typed arrays.
 * Row-major everywhere: a (rows × width) matrix is a flat array of rows·width values.
 */

export type Floats = Float32Array | Float64Array;

/** P = ReLU(G[:, columns]) for a (rows × width) matrix → (rows × |columns|). */
export function reluColumns(matrix: Floats, rows: number, width: number, columns: Int32Array): Float32Array {
  if (matrix.length !== rows * width) throw new RangeError(`relu columns: expected ${rows}×${width} = ${rows * width} values, found ${matrix.length}`);
  const out = new Float32Array(rows * columns.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns.length; c++) {
      const j = columns[c] as number;
      if (j < 0 || j >= width) throw new RangeError(`relu columns: expected columns in [0, ${width}), found ${j}`);
      const v = matrix[r * width + j] as number;
      out[r * columns.length + c] = v > 0 ? v : 0;
    }
  }
  return out;
}

/**
 * Mean of the k largest entries of each row (k = 1: max). k is clamped to the row width; an
 * empty row scores 0 (a head with no columns of a kind has no evidence there).
 */
export function topKMean(matrix: Floats, rows: number, width: number, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`top-k mean: expected k ≥ 1, found ${k}`);
  const out = new Float64Array(rows);
  if (width === 0) return out;
  const kk = Math.min(k, width);
  for (let r = 0; r < rows; r++) {
    const row = matrix.subarray(r * width, (r + 1) * width);
    if (kk === 1) {
      let best = -Infinity;
      for (const v of row) if (v > best) best = v;
      out[r] = best;
    } else {
      const sorted = Float64Array.from(row).sort();
      let sum = 0;
      for (let i = width - kk; i < width; i++) sum += sorted[i] as number;
      out[r] = sum / kk;
    }
  }
  return out;
}

/** w = max(0, Sv − Stxt) elementwise: a head counts only as far as the image beats the text. */
export function headFilter(visual: Float64Array, text: Float64Array): Float64Array {
  if (visual.length !== text.length) throw new RangeError(`head filter: expected equal lengths, found ${visual.length} and ${text.length}`);
  return visual.map((v, i) => Math.max(0, v - (text[i] as number)));
}

/** δ_t = max(0, max_{l,h} Sv − max_{l,h} Stxt) for one token's scores; 0 = purely linguistic. */
export function tokenWeight(visual: Float64Array, text: Float64Array): number {
  if (visual.length !== text.length || visual.length === 0) {
    throw new RangeError(`token weight: expected two non-empty score sets of one size, found ${visual.length} and ${text.length}`);
  }
  let bestVisual = -Infinity;
  let bestText = -Infinity;
  for (const v of visual) if (v > bestVisual) bestVisual = v;
  for (const v of text) if (v > bestText) bestText = v;
  return Math.max(0, bestVisual - bestText);
}

/**
 * (x − min) / (max − min) over the whole array; a constant array comes back unchanged (a copy):
 * there is no range to stretch, and keeping an all-zero map at zero avoids inventing a uniform map.
 */
export function minmax(values: Floats): Float64Array {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const out = new Float64Array(values); // a copy; .from would walk an iterator
  if (!(high > low)) return out;
  const range = high - low;
  for (let i = 0; i < out.length; i++) out[i] = ((out[i] as number) - low) / range;
  return out;
}
