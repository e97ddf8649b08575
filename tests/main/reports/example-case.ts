/**
 * A richer case for the example page (docs/report-example-page.png): a 960×640 scene, a LLaVA-1.5
 * style 24×24 grid with square padding to 336 px, several grounded tokens, a box, a polygon and a
 * sensitive brush mask. Maps are blobs plus deterministic low-level noise, like real DEX-AR output.
 */
import sharp from 'sharp';
import type { ReportCase } from '../../../main/reports/types';
import { MODEL_SHA } from './fixtures';

export const EX = { width: 960, height: 640, grid: 24 };
/** Where the badge with the (fictional) name sits: redacted by a brush mask. */
export const BADGE = { x: 80, y: 470, width: 200, height: 90 };

async function scene(): Promise<Buffer> {
  const { width, height } = EX;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5d8fc9"/><stop offset="1" stop-color="#cfe0f0"/></linearGradient>
    <linearGradient id="ground" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7a9a45"/><stop offset="1" stop-color="#4e6b2a"/></linearGradient></defs>
    <rect width="${width}" height="${height}" fill="url(#sky)"/>
    <rect y="380" width="${width}" height="${height - 380}" fill="url(#ground)"/>
    <circle cx="730" cy="190" r="92" fill="#d62828"/>
    <rect x="380" y="300" width="150" height="150" fill="#1d4ed8"/>
    <polygon points="640,560 720,420 800,560" fill="#f2c230"/>
    <rect x="${BADGE.x}" y="${BADGE.y}" width="${BADGE.width}" height="${BADGE.height}" rx="10" fill="#fafafa" stroke="#333" stroke-width="3"/>
    <rect x="${BADGE.x + 20}" y="${BADGE.y + 22}" width="150" height="12" fill="#222"/>
    <rect x="${BADGE.x + 20}" y="${BADGE.y + 48}" width="110" height="10" fill="#555"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Image point → grid cell coordinates under pad-to-square (top/bottom 160 px) and resize to 336. */
function toGrid(x: number, y: number): [number, number] {
  const cell = 960 / EX.grid;
  return [(y + 160) / cell - 0.5, x / cell - 0.5];
}

function blobMap(centres: { x: number; y: number; sigma: number; weight: number }[], seed: number): number[] {
  const n = EX.grid;
  let state = seed;
  const noise = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 0.08;
  const values: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let v = noise();
      for (const b of centres) {
        const [gr, gc] = toGrid(b.x, b.y);
        v += b.weight * Math.exp(-((r - gr) ** 2 + (c - gc) ** 2) / (2 * b.sigma ** 2));
      }
      values.push(v);
    }
  }
  const max = Math.max(...values);
  const min = Math.min(...values);
  return values.map((v) => (v - min) / (max - min));
}

export async function exampleCase(): Promise<ReportCase> {
  const bytes = await scene();
  const circle = { x: 730, y: 190, sigma: 1.6, weight: 1 };
  const words: [string, number][] = [['The', 0], [' circle', 0.58], [' is', 0], [' orange', 0.81], [' and', 0.01], [' sits', 0.03], [' at', 0], [' the', 0], [' top', 0.37], [' right', 0.44], [' of', 0], [' the', 0], [' image', 0.12], ['.', 0]];
  const tokens = words.map(([text, delta], index) => ({ index, text, delta, grounded: delta > 0.1 }));
  const tokenMaps = [
    { tokenIndex: 1, values: blobMap([circle], 11) },
    { tokenIndex: 3, values: blobMap([{ ...circle, sigma: 1.2 }], 13) },
    { tokenIndex: 8, values: blobMap([{ ...circle, y: 120, sigma: 2.6 }, { x: 480, y: 60, sigma: 3, weight: 0.5 }], 17) },
    { tokenIndex: 9, values: blobMap([{ ...circle, x: 800, sigma: 2.6 }, { x: 900, y: 400, sigma: 2.5, weight: 0.4 }], 19) },
    { tokenIndex: 12, values: blobMap([{ x: 480, y: 320, sigma: 6, weight: 1 }], 23) },
  ];
  return {
    title: 'Run 42',
    image: { bytes: new Uint8Array(bytes), width: EX.width, height: EX.height, name: 'shapes-val-0042.png' },
    overlay: {
      label: 'Sentence map (DEX-AR)',
      gh: EX.grid,
      gw: EX.grid,
      values: blobMap([circle, { x: 780, y: 130, sigma: 2.4, weight: 0.35 }], 7),
      geometry: { pad: { mode: 'square' }, resize: { enabled: true, mode: 'exact', size: [336, 336] }, crop: { mode: 'none', size: [336, 336] } },
    },
    style: { colormap: 'inferno', opacity: 0.55, threshold: 0.25, alphaByValue: true },
    prompt: 'What color is the circle, and where is it?',
    answer: words.map(([text]) => text).join(''),
    tokens,
    tokenMaps,
    annotations: [
      {
        tag: 'wrong-attribute',
        severity: 'high',
        notes: 'The circle is red (#d62828). The model grounds “orange” on the circle itself (δ 0.81, map peak inside the box), so this is a colour-naming error, not a localisation error.',
        tokenSpan: { start: 3, end: 4 },
        regions: [{ area: { shape: 'box', x: 628, y: 88, width: 204, height: 204 }, sensitive: false, tokenSpan: { start: 3, end: 4 } }],
      },
      {
        tag: 'spurious-correlation',
        severity: 'medium',
        notes: '“top right” also draws on empty sky left of the circle; check other runs with objects in the top row.',
        tokenSpan: { start: 8, end: 10 },
        regions: [{ area: { shape: 'polygon', points: [[380, 20], [600, 20], [620, 150], [400, 170]] }, sensitive: false, tokenSpan: { start: 8, end: 10 } }],
      },
      {
        tag: 'other',
        severity: 'low',
        notes: 'Name badge of a lab member in the shot; redacted for the board.',
        tokenSpan: null,
        regions: [{ area: { shape: 'mask', ...BADGE, bits: Array.from({ length: BADGE.width * BADGE.height }, () => 1 as const) }, sensitive: true, tokenSpan: null }],
      },
    ],
    metrics: { 'soft-IoU (circle)': 0.5371, 'pointing game': 1, 'SNR map': 6.82 },
    provenance: {
      modelName: 'shapes-llava-tiny',
      modelSha256: MODEL_SHA,
      provider: 'cpu',
      settings: { layers: '2-3', topK: 1, normTwiceLast: true, maxNewTokens: 32, sampling: { strategy: 'greedy', temperature: 1, topP: 1, seed: 0 } },
      appVersion: '0.1.0',
    },
  };
}
