/**
 * Heatmap grids are stored as Float32 little-endian blobs (gh·gw·4 bytes). fp32 is what the
 * engine computes, so storage is lossless for its output; doubles from elsewhere round to fp32
 * (relative error ≤ 2⁻²⁴).
 */
import { StoreInputError } from './errors';

export function encodeGrid(values: ArrayLike<number>, gh: number, gw: number, what: string): Buffer {
  if (values.length !== gh * gw) {
    throw new StoreInputError(`${what}: expected gh·gw = ${gh}·${gw} = ${gh * gw} values, found ${values.length}`);
  }
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new StoreInputError(`${what}: value ${i} is ${v}; expected a finite number`);
    out.writeFloatLE(v, i * 4);
  }
  return out;
}

export function decodeGrid(blob: Uint8Array): number[] {
  if (blob.byteLength % 4 !== 0) throw new Error(`decodeGrid: blob of ${blob.byteLength} bytes is not a whole number of float32`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const out = new Array<number>(blob.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
