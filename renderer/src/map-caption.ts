/**
 * The line under the canvas naming the map on show. A token's map is min-maxed on its own, so a
 * purely linguistic token (δ = 0) still shows full-strength colour: the caption says that this
 * map carries no weight in the sentence map, so nobody reads it as the model looking there.
 */
import type { MapSelection, RunToken } from '../../shared/api/runs';
import { deltaLabel } from '../../shared/dexar/delta';

export function mapCaption(selection: MapSelection, tokens: readonly RunToken[]): string {
  if (selection.kind === 'sentence') {
    // Only tokens with δ > 0 add to the sentence map (DESIGN §3: E = minmax(Σ_t δ_t …)).
    const weighing = tokens.filter((t) => t.delta > 0).length;
    return tokens.length > 0 ? `Sentence map · ${weighing} of ${tokens.length} tokens have δ > 0` : 'Sentence map';
  }
  const token = tokens[selection.index];
  if (!token) return `Token ${selection.index}`;
  return `Token ${token.index} “${token.text.trim()}” · p ${token.prob.toFixed(2)} · ${deltaLabel(token.delta)}${token.grounded ? ' · grounded' : ''}`;
}
