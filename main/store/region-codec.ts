/** Annotation regions ↔ rows: geometry as JSON, brush masks bit-packed (1 bit per pixel, MSB first). */
import { StoreInputError } from './errors';
import type { Region } from './types';

export interface RegionRow {
  shape: Region['shape'];
  geometry_json: string;
  mask: Buffer | null;
}

export function regionToRow(region: Region): RegionRow {
  if (region.shape === 'box') {
    return { shape: 'box', geometry_json: JSON.stringify({ x: region.x, y: region.y, width: region.width, height: region.height }), mask: null };
  }
  if (region.shape === 'polygon') return { shape: 'polygon', geometry_json: JSON.stringify({ points: region.points }), mask: null };
  const count = region.width * region.height;
  if (region.bits.length !== count) {
    throw new StoreInputError(`brush mask: expected width·height = ${region.width}·${region.height} = ${count} bits, found ${region.bits.length}`);
  }
  const mask = Buffer.alloc(Math.ceil(count / 8));
  region.bits.forEach((bit, i) => {
    if (bit === 1) mask[i >> 3] = (mask[i >> 3] as number) | (0x80 >> (i & 7));
  });
  return { shape: 'mask', geometry_json: JSON.stringify({ x: region.x, y: region.y, width: region.width, height: region.height }), mask };
}

export function rowToRegion(row: RegionRow): Region {
  const g = JSON.parse(row.geometry_json) as Record<string, unknown>;
  if (row.shape === 'box') return { shape: 'box', x: g.x as number, y: g.y as number, width: g.width as number, height: g.height as number };
  if (row.shape === 'polygon') return { shape: 'polygon', points: g.points as [number, number][] };
  const width = g.width as number;
  const height = g.height as number;
  const mask = row.mask ?? Buffer.alloc(0);
  const bits = Array.from({ length: width * height }, (_, i) => (((mask[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) as 0 | 1);
  return { shape: 'mask', x: g.x as number, y: g.y as number, width, height, bits };
}
