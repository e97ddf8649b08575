/**
 * Synthetic but realistic report cases: a 320×240 photo-like scene (gradient sky, textured
 * ground, a red circle) made with sharp, an 8×8 map with a known hot spot, and a model whose
 * preprocessing pads to a square and resizes to 224 — so the overlay must be mapped back through
 * the padding to land on the circle.
 */
import sharp from 'sharp';
import type { ReportCase, ReportMeta } from '../../../main/reports/types';

export const WIDTH = 320;
export const HEIGHT = 240;
export const GRID = 8;
export const MODEL_SHA = 'a3f1c9e07b5d42e8a1c0ffee5e3d2b1a9c8d7e6f50413d2c1b0a99887766554a';

/**
 * The map's peak sits on the corner between grid cells 3/4 (rows) and 5/6 (columns): model-input
 * point (168, 112). Model input 224 = the image padded to 320×320 (40 px above and below) and
 * scaled by 0.7, so the peak lands on image pixel (240, 120): the circle's centre.
 */
export const HOT = { x: 240, y: 120 };
export const COLD = { x: 150, y: 200 };
/** A textured patch (checkerboard), far from the hot spot, that the sensitive region covers. */
export const SECRET = { x: 16, y: 140, width: 80, height: 80 };

export async function sceneBytes(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7fb2e5"/><stop offset="1" stop-color="#d8e8f5"/></linearGradient>
    <pattern id="check" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#f5f5f5"/><rect width="4" height="4" fill="#202020"/><rect x="4" y="4" width="4" height="4" fill="#202020"/></pattern></defs>
    <rect width="${WIDTH}" height="${HEIGHT}" fill="url(#sky)"/>
    <rect y="130" width="${WIDTH}" height="${HEIGHT - 130}" fill="#6b8e3a"/>
    <rect x="${SECRET.x}" y="${SECRET.y}" width="${SECRET.width}" height="${SECRET.height}" fill="url(#check)"/>
    <circle cx="240" cy="120" r="34" fill="#d62828"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A smooth blob centred between cells (3.5, 5.5): ≈1 over the circle, < 0.01 four cells away. */
/**
 * The overlay value the report must show at image pixel (ix, iy), computed here independently of
 * shared/dexar: pixel centre → padded (+40 in y) → model (×0.7) → bilinear on the 8×8 grid.
 */
export function expectedValue(ix: number, iy: number, padded = true): number {
  const map = hotMap();
  const my = padded ? (iy + 0.5 + 40) * 0.7 : ((iy + 0.5) * 224) / HEIGHT;
  const mx = (ix + 0.5) * 0.7;
  const clamp = (v: number) => Math.min(Math.max(v, 0), GRID - 1);
  const gx = clamp(mx / 28 - 0.5);
  const gy = clamp(my / 28 - 0.5);
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const x1 = Math.min(x0 + 1, GRID - 1);
  const y1 = Math.min(y0 + 1, GRID - 1);
  const at = (r: number, c: number) => map[r * GRID + c]!;
  const fx = gx - x0;
  const fy = gy - y0;
  return (at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) + (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy;
}

export function hotMap(): number[] {
  const values: number[] = [];
  for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) values.push(Math.exp(-((r - 3.5) ** 2 + (c - 5.5) ** 2) / 1.5));
  return values;
}

export interface CaseOptions {
  sensitive?: boolean;
  title?: string;
  prompt?: string;
}

export async function makeCase(options: CaseOptions = {}): Promise<ReportCase> {
  const bytes = await sceneBytes();
  const map = hotMap();
  return {
    title: options.title ?? 'Run 12',
    image: { bytes: new Uint8Array(bytes), width: WIDTH, height: HEIGHT, name: 'meadow-circle.png' },
    overlay: {
      label: 'Sentence map (DEX-AR)',
      gh: GRID,
      gw: GRID,
      values: map,
      geometry: { pad: { mode: 'square' }, resize: { enabled: true, mode: 'exact', size: [224, 224] }, crop: { mode: 'none', size: [224, 224] } },
    },
    style: { colormap: 'inferno', opacity: 0.6, threshold: 0.2 },
    prompt: options.prompt ?? 'What color is the circle?',
    // Word-level token texts, as the demo model decodes them: the answer says where the spaces go.
    answer: 'The circle is orange.',
    tokens: [
      { index: 0, text: 'The', delta: 0, grounded: false },
      { index: 1, text: 'circle', delta: 0.61, grounded: true },
      { index: 2, text: 'is', delta: 0, grounded: false },
      { index: 3, text: 'orange', delta: 0.83, grounded: true },
      { index: 4, text: '.', delta: 0.02, grounded: false },
      { index: 5, text: '</s>', delta: 0, grounded: false },
    ],
    tokenMaps: [
      { tokenIndex: 1, values: map },
      { tokenIndex: 3, values: map.map((v, i) => (i % GRID < 4 ? 0.5 * v : v)) },
    ],
    annotations: [
      {
        tag: 'wrong-attribute',
        severity: 'high',
        notes: 'The circle is red; the model says orange although it looks at the circle.',
        tokenSpan: { start: 3, end: 4 },
        regions: [{ area: { shape: 'box', x: 196, y: 76, width: 88, height: 88 }, sensitive: false, tokenSpan: { start: 3, end: 4 } }],
      },
      {
        tag: 'other',
        severity: 'low',
        notes: 'Licence plate in the corner; keep it out of exports.',
        tokenSpan: null,
        regions: [{ area: { shape: 'box', ...SECRET }, sensitive: options.sensitive ?? true, tokenSpan: null }],
      },
    ],
    metrics: { 'soft-IoU': 0.4123, 'pointing game': 1 },
    provenance: {
      modelName: 'shapes-llava-tiny',
      modelSha256: MODEL_SHA,
      provider: 'cpu',
      settings: { layers: '2-3', topK: 1, maxNewTokens: 32, sampling: { strategy: 'greedy', temperature: 1, topP: 1, seed: 0 } },
      appVersion: '0.1.0',
    },
  };
}

export function meta(date = new Date('2026-11-26T21:00:00Z')): ReportMeta {
  return { projectName: 'Shapes audit', date, title: 'Colour errors on Shapes-QA' };
}

export async function rawRgb(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export function pixel(img: { data: Buffer; width: number }, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i] as number, img.data[i + 1] as number, img.data[i + 2] as number];
}
