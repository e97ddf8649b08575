/**
 * Column sets of a gradient row G_{l,t} (DESIGN §3 "Columns"). A row has one entry per key
 * column 0..q_t: the image set I = [i0, i0+N) and the text set X = every other column ≤ q_t.
 */

export interface ImageSpan {
  /** i0: column of the first image token. */
  readonly start: number;
  /** N = gh·gw image tokens, row-major over the vision grid. */
  readonly count: number;
}

export function imageColumns(span: ImageSpan): Int32Array {
  if (!Number.isInteger(span.start) || !Number.isInteger(span.count) || span.start < 0 || span.count < 1) throw new RangeError(`image columns: expected i0 ≥ 0 and N ≥ 1, found i0=${span.start}, N=${span.count}`);
  const out = new Int32Array(span.count);
  for (let j = 0; j < span.count; j++) out[j] = span.start + j;
  return out;
}

/**
 * X = {0..q} minus I, and minus i0+N when the official quirk is on: the official code slices
 * text columns as [0, i0) and [i0+N+1, q], which leaves out the first column after the image.
 */
export function textColumns(queryRow: number, span: ImageSpan, dropColumnAfterImage: boolean): Int32Array {
  const end = span.start + span.count;
  if (queryRow < end) {
    throw new RangeError(`text columns: expected the query row after the image tokens, found q=${queryRow} with image columns [${span.start}, ${end})`);
  }
  const out: number[] = [];
  for (let j = 0; j <= queryRow; j++) {
    if (j >= span.start && j < end) continue;
    if (dropColumnAfterImage && j === end) continue;
    out.push(j);
  }
  return Int32Array.from(out);
}
