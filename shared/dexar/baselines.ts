/**
 * The random-map baseline (DESIGN §3 "Baselines"): a sanity check every metric must beat. Seeded,
 * so a report regenerates the same map. (Raw attention and unfiltered DEX-AR live in evidence.ts
 * and maps.ts, next to what they are compared with.)
 */

import { seededRandom } from '../random';

/** N values uniform in [0, 1) from a seeded mulberry32 stream. */
export function randomMap(n: number, seed: number): Float64Array {
  const next = seededRandom(seed);
  return Float64Array.from({ length: n }, next);
}
