/**
 * The line under the canvas naming the map on show. A token's map is min-maxed on its own, so a
 * purely linguistic token (δ = 0) still shows full-strength colour: the caption says that this
 * map carries no weight in the sentence map, so nobody reads it as the model looking there.
 */
import type { MapSelection, RunToken } from '../../shared/api/runs';

export function mapCaption(selection: MapSelection, tokens: readonly RunToken[]): string {
  if (selection.kind === 'sentence') return tokens.length > 0 ? `Sentence map · ${tokens.length} tokens weighted by δ` : 'Sentence map';
  const token = tokens[selection.index];
  if (!token) return `Token ${selection.index}`;
  const head = `Token ${token.index} “${token.text.trim()}” · p ${token.prob.toFixed(2)}`;
  if (token.delta === 0) return `${head} · δ 0: linguistic, no weight in the sentence map`;
  return `${head} · δ ${token.delta.toFixed(3)}${token.grounded ? ' · grounded' : ''}`;
}
