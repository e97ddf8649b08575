/**
 * The random-map baseline (DESIGN §3 "Baselines"): a sanity check every metric must beat. Seeded,
 * so a report regenerates the same map. (Raw attention and unfiltered DEX-AR live in evidence.ts
 * and maps.ts, next to what they are compared with.)
 */

/** N values uniform in [0, 1) from a seeded mulberry32 stream. */
export function randomMap(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  });
}
