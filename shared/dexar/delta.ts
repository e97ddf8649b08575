/**
 * How δ (DESIGN §3: how visual a token is; 0 marks a purely linguistic token) is shown to
 * people. Token maps are min-maxed each on its own, so a δ = 0 token's map looks as hot as a
 * visual word's: wherever a token is listed with its map, its δ says whether the map counts.
 */

/** The largest δ of the tokens (0 for none): what δ shading is relative to. */
export function peakDelta(tokens: readonly { readonly delta: number }[]): number {
  return tokens.reduce((m, t) => Math.max(m, t.delta), 0);
}

/** "δ 0.412", or for δ = 0 "δ 0: linguistic, no weight in the sentence map". */
export function deltaLabel(delta: number): string {
  return delta === 0 ? 'δ 0: linguistic, no weight in the sentence map' : `δ ${delta.toFixed(3)}`;
}
