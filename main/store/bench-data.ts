/**
 * Synthetic but realistically sized project content for the store benchmark and tests:
 * deterministic (seeded) PNGs and explained runs shaped like the engine's output.
 */
import { seededRandom } from '../../shared/random';
import sharp from 'sharp';
import type { RunToken } from '../../shared/api/runs';
import type { HeatmapInput, SaveRunInput } from './write/runs';

export { seededRandom } from '../../shared/random';

/** A distinct PNG per seed: a colour gradient with noise, like a small photo. */
export async function syntheticPng(seed: number, width = 96, height = 96): Promise<Buffer> {
  const rand = seededRandom(seed);
  const base = [rand() * 255, rand() * 255, rand() * 255];
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) raw[(y * width + x) * 3 + c] = ((base[c] as number) + x * (c + 1) + y * (3 - c) + rand() * 24) & 0xff;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

const WORDS = ['The', ' red', ' circle', ' is', ' at', ' the', ' top', ' left', '.', ' There', ' are', ' two', ' squares', ' blue', ' star', ' large'];

export interface SyntheticRunOptions {
  imageSha: string;
  modelSha: string;
  promptText: string;
  seed: number;
  tokens?: number;
  /** Grid side; maps are side×side. */
  grid?: number;
  /** Extra settings merged into the cache key. */
  settings?: Record<string, unknown>;
}

function randomGrid(rand: () => number, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rand();
  return out;
}

/** One explained run: tokens with δ/top-5, a DEX-AR and a raw-attention map per token, and sentence maps. */
export function syntheticRun(options: SyntheticRunOptions): SaveRunInput {
  const rand = seededRandom(options.seed);
  const count = options.tokens ?? 24;
  const grid = options.grid ?? 24;
  const tokens: RunToken[] = Array.from({ length: count }, (_, index) => {
    const delta = rand() < 0.4 ? 0 : rand() * 0.9;
    const text = WORDS[Math.floor(rand() * WORDS.length)] as string;
    return {
      index,
      id: Math.floor(rand() * 32000),
      text,
      delta,
      grounded: delta > 0,
      prob: rand(),
      top5: Array.from({ length: 5 }, (_, k) => ({ id: Math.floor(rand() * 32000), text: WORDS[k] as string, prob: rand() / (k + 1) })),
    };
  });
  const cells = grid * grid;
  const heatmaps: HeatmapInput[] = [];
  for (let t = 0; t < count; t++) {
    heatmaps.push({ kind: 'token', tokenIndex: t, gh: grid, gw: grid, values: randomGrid(rand, cells) });
    heatmaps.push({ kind: 'baseline-attention-token', tokenIndex: t, gh: grid, gw: grid, values: randomGrid(rand, cells) });
  }
  for (const kind of ['sentence', 'unfiltered', 'baseline-attention'] as const) heatmaps.push({ kind, tokenIndex: null, gh: grid, gw: grid, values: randomGrid(rand, cells) });
  return {
    imageSha: options.imageSha,
    promptText: options.promptText,
    modelSha: options.modelSha,
    settings: { layers: 'last-10', officialCompatible: true, maxNewTokens: 32, ...options.settings },
    provenance: { app: 'dexar-bench', seed: options.seed, expectTokens: count, expectHeatmaps: heatmaps.length },
    timings: { prefillMs: 120 + rand() * 30, decodeMs: 900 + rand() * 200, explainMs: 300 + rand() * 50 },
    answer: tokens.map((t) => t.text).join(''),
    tokens,
    heatmaps,
  };
}

export const PROMPT_TEMPLATES = [
  'What color is the {shape}?',
  'What shape is the {color} object?',
  'Where is the {color} {shape}?',
  'How many {shape}s are there?',
];
const SHAPES = ['circle', 'square', 'triangle', 'star'];
const COLORS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'];

export function syntheticPrompt(rand: () => number): string {
  const template = PROMPT_TEMPLATES[Math.floor(rand() * PROMPT_TEMPLATES.length)] as string;
  return template.replace('{shape}', SHAPES[Math.floor(rand() * SHAPES.length)] as string).replace('{color}', COLORS[Math.floor(rand() * COLORS.length)] as string);
}
