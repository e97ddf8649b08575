/**
 * DEX-AR settings (DESIGN §3). The defaults reproduce the official algorithm; each quirk of the
 * official code is a named switch, as in the PyTorch reference (models/reference/config.py).
 */

export interface DexarSettings {
  /** Explained layers Λ (0-based); null = the last `defaultLayerCount` layers (all when L ≤ that). */
  readonly layers: readonly number[] | null;
  /** How many top layers `layers: null` selects. */
  readonly defaultLayerCount: number;
  /** k of the head scores: Sv / Stxt are the mean of a head's k largest relevances (1 = max). */
  readonly topK: number;
  /** Official quirk 1: the last layer's logit lens applies the final norm twice. */
  readonly normTwiceLast: boolean;
  /** Official quirk 2: column i0+N (first after the image) is left out of the text set X. */
  readonly dropColumnAfterImage: boolean;
}

export const OFFICIAL_SETTINGS: DexarSettings = {
  layers: null,
  defaultLayerCount: 10,
  topK: 1,
  normTwiceLast: true,
  dropColumnAfterImage: true,
};

/** Λ for a decoder with `numLayers` layers: ascending, unique, every index checked. */
export function resolveLayers(settings: DexarSettings, numLayers: number): number[] {
  if (settings.layers === null) {
    const first = Math.max(0, numLayers - settings.defaultLayerCount);
    return Array.from({ length: numLayers - first }, (_, i) => first + i);
  }
  const layers = [...new Set(settings.layers)].sort((a, b) => a - b);
  if (layers.length === 0) throw new RangeError('DEX-AR layers: expected at least one layer, found an empty set');
  const bad = layers.filter((l) => !Number.isInteger(l) || l < 0 || l >= numLayers);
  if (bad.length > 0) throw new RangeError(`DEX-AR layers: expected indices in [0, ${numLayers}), found ${bad.join(', ')}`);
  return layers;
}

/** "20-31", "1,3,5" or "0-3,7" → layer indices (the CLI's --layers and the UI's layer field). */
export function parseLayerSpec(spec: string): number[] {
  const layers: number[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      const first = Number(range[1]);
      const last = Number(range[2]);
      if (last < first) throw new RangeError(`layer spec: expected first ≤ last in "${part}", found ${first} > ${last}`);
      for (let l = first; l <= last; l++) layers.push(l);
    } else if (/^\d+$/.test(part)) {
      layers.push(Number(part));
    } else {
      throw new RangeError(`layer spec: expected "a-b" or "n" items separated by commas, found "${part}" in "${spec}"`);
    }
  }
  return layers;
}

export function checkSettings(settings: DexarSettings): void {
  if (!Number.isInteger(settings.topK) || settings.topK < 1) throw new RangeError(`DEX-AR topK: expected an integer ≥ 1, found ${settings.topK}`);
  if (!Number.isInteger(settings.defaultLayerCount) || settings.defaultLayerCount < 1) {
    throw new RangeError(`DEX-AR defaultLayerCount: expected an integer ≥ 1, found ${settings.defaultLayerCount}`);
  }
}
