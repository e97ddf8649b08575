/**
 * Colormaps for heatmap overlays, as 256-entry RGB lookup tables. Each table is rebuilt from 33
 * anchors sampled from matplotlib's definitions (viridis, magma, inferno and cividis are CC0;
 * turbo is Apache-2.0), with linear interpolation between anchors: at most 5/255 off the originals.
 * viridis and cividis stay readable for the common colour-vision deficiencies.
 */
export const COLORMAPS = {
  viridis: { label: 'Viridis', colourBlindSafe: true, anchors: '440154470d6048186a482374472d7b4537814240863e49893b528b375b8d33638d2f6b8e2c728e297a8e26828e23898e21918c1f988b1fa08822a78528ae8032b67a3fbc734ec36b5ec96270cf5784d44b98d83eaddc30c2df23d8e219ece51bfde725' },
  cividis: { label: 'Cividis', colourBlindSafe: true, anchors: '00224e00285b002e6a0533711a386f273e6e32436d3b496c434e6c4b546c535a6d5a5f6e61656f686a716f70737676767d7c788482798c8878938e789b9476a39a74aba072b4a76fbcae6cc4b468cdbb63d5c25edec958e7d150f0d846f9e03afee838' },
  magma: { label: 'Magma', colourBlindSafe: true, anchors: '0000040303120a0822130d341d114729115a36106b440f7651127c5d177f6a1c81762181832681902a819c2e7faa337db73779c43c75d0416fdc4869e75263ef5d5ef56b5cf9795dfc8961fd9869fea772feb67cfec488fed395fde2a3fcf0b2fcfdbf' },
  inferno: { label: 'Inferno', colourBlindSafe: true, anchors: '0000040403120b0724150b37210c4a2f0a5b3d09654a0c6b57106e64156e71196e7d1e6d8a226a972766a32c61b0315bbc3754c73e4cd24644db503be45a31eb6628f1731df68013f98e09fb9d07fcac11fbbc21f9cb35f5db4cf2ea69f3f68afcffa4' },
  turbo: { label: 'Turbo', colourBlindSafe: false, anchors: '30123b392a734040a24456c7466be34680f64294ff37a8fa28bceb1ccdd818ddc21fe9af32f2984ef97d6dfe628bff4ba4fc3cb9f635cdec34dfdf37eecf3af8be39fdac34fe962bfb7e21f46617eb500edf3f08d02f05be2102a91601920b017a0403' },
  /** Diverging (purple ↔ orange), for differences between two maps; readable with CVD. */
  puor: { label: 'Purple–orange (diverging)', colourBlindSafe: true, anchors: '2d004b390c5e4518715225845f3a916d529c7b6aa88a7eb39990bfa9a1cbb7b1d5c3c0ddcfcfe5dadcece4e5f0eeeef3f7f7f6f9efe1fce8cdfee1b9fed59ffdc885fdbc6bf7ac52ee9b39e58a20d97b12cb6e0dbd6109ae55069e4c078d43077f3b08' },
  gray: { label: 'Grey', colourBlindSafe: true, anchors: '000000080808101010181818202020282828303030383838404040484848505050585858606060686868707070787878808080888888909090989898a0a0a0a8a8a8b0b0b0b8b8b8c0c0c0c8c8c8d0d0d0d8d8d8e0e0e0e8e8e8f0f0f0f8f8f8ffffff' },
} as const;

export type ColormapName = keyof typeof COLORMAPS;
export const COLORMAP_NAMES = Object.keys(COLORMAPS) as ColormapName[];
/** Maps for signed differences, centred on 0. */
export const DIVERGING_COLORMAP: ColormapName = 'puor';
export const DEFAULT_COLORMAP: ColormapName = 'inferno';

function parseAnchors(hex: string): number[][] {
  const anchors: number[][] = [];
  for (let i = 0; i < hex.length; i += 6) {
    anchors.push([0, 2, 4].map((o) => Number.parseInt(hex.slice(i + o, i + o + 2), 16)));
  }
  return anchors;
}

const cache = new Map<ColormapName, Uint8Array>();

/** RGB triplets for 256 levels, level 0 = lowest value. */
export function colormapLut(name: ColormapName): Uint8Array {
  const cached = cache.get(name);
  if (cached) return cached;
  const anchors = parseAnchors(COLORMAPS[name].anchors);
  const lut = new Uint8Array(256 * 3);
  const last = anchors.length - 1;
  for (let level = 0; level < 256; level++) {
    const pos = (level / 255) * last;
    const i = Math.min(Math.floor(pos), last - 1);
    const frac = pos - i;
    const a = anchors[i] as number[];
    const b = anchors[i + 1] as number[];
    for (let c = 0; c < 3; c++) lut[level * 3 + c] = Math.round((a[c] as number) * (1 - frac) + (b[c] as number) * frac);
  }
  cache.set(name, lut);
  return lut;
}

/** CSS colour of a value in [0,1] (legends, token shading). */
export function colormapCss(name: ColormapName, value: number): string {
  const lut = colormapLut(name);
  const level = Math.round(Math.min(1, Math.max(0, value)) * 255) * 3;
  return `rgb(${lut[level]}, ${lut[level + 1]}, ${lut[level + 2]})`;
}
