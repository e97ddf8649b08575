/**
 * Readers for the reference engineer's parity fixtures (tests/fixtures/parity/<bundle>/, written
 * by `python -m models.fixtures`): tensors are {shape, data} with float32 values row-major.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ParityBundle = string;

const parityRoot = fileURLToPath(new URL('../../fixtures/parity/', import.meta.url));

/** Where a fixture's bundle lives: the committed tiny bundles, else a built one in models/bundles (the demo model). */
export function bundlePath(bundle: ParityBundle): string {
  const committed = fileURLToPath(new URL(`../../fixtures/bundles/${bundle}`, import.meta.url));
  return existsSync(committed) ? committed : fileURLToPath(new URL(`../../../models/bundles/${bundle}`, import.meta.url));
}

/**
 * Every fixture folder whose bundle is present: tiny-llama and tiny-mistral always, the demo
 * model as soon as its fixtures and bundle exist, so parity covers it without a test change.
 */
export const PARITY_BUNDLES: readonly ParityBundle[] = readdirSync(parityRoot)
  .filter((name) => existsSync(join(parityRoot, name, 'inputs.json')) && existsSync(join(bundlePath(name), 'manifest.json')))
  .sort();
if (!PARITY_BUNDLES.includes('tiny-llama') || !PARITY_BUNDLES.includes('tiny-mistral')) {
  throw new Error(`parity fixtures: expected tiny-llama and tiny-mistral in ${parityRoot}, found ${PARITY_BUNDLES.join(', ')}`);
}

export interface Tensor {
  shape: number[];
  data: number[];
}

export interface ReferenceDoc {
  case: string;
  settings: { layers: number[] | null; default_layer_count: number; top_k: number; double_final_norm: boolean; drop_column_after_image: boolean };
  layers: number[];
  answer_ids: number[];
  query_rows: number[];
  image_start: number;
  grid: [number, number];
  text_columns: number[][];
  lens_scores: Tensor;
  image_relevance: Tensor;
  visual_scores: Tensor;
  text_scores: Tensor;
  head_weights: Tensor;
  normalised_relevance: Tensor;
  token_weights: Tensor;
  token_maps: Tensor;
  sentence_map: Tensor;
  unfiltered_token_maps: Tensor;
  unfiltered_sentence_map: Tensor;
  attention_maps: Tensor;
  gradient_rows: Tensor[];
  attention_rows: Tensor[];
}

export interface InputsDoc {
  bundle: string;
  image: { file: string; width: number; height: number };
  prompt: string;
  answer: string;
  template: string;
  prompt_text: string;
  prompt_ids: number[];
  expanded_ids: number[];
  answer_ids: number[];
  answer_tokens: string[];
  image_token_id: number;
  image_start: number;
  num_image_tokens: number;
  grid: [number, number];
  pixel_values: Tensor;
}

export interface LogitsDoc {
  query_rows: number[];
  prefill_last: Tensor;
  teacher_forced: Tensor;
}

export interface GenerationDoc {
  strategy: string;
  steps: number;
  stop_tokens: number[];
  token_ids: number[];
  tokens: string[];
  logits: Tensor;
  top5_ids: number[][];
  top5_probs: Tensor;
}

export function fixturePath(bundle: ParityBundle, file: string): string {
  return fileURLToPath(new URL(`../../fixtures/parity/${bundle}/${file}`, import.meta.url));
}

function read<T>(bundle: ParityBundle, file: string): T {
  return JSON.parse(readFileSync(fixturePath(bundle, file), 'utf8')) as T;
}

export const readReference = (bundle: ParityBundle, which: 'default' | 'variant') => read<ReferenceDoc>(bundle, `reference.${which}.json`);
export const readInputs = (bundle: ParityBundle) => read<InputsDoc>(bundle, 'inputs.json');
export const readLogits = (bundle: ParityBundle) => read<LogitsDoc>(bundle, 'logits.json');
export const readGeneration = (bundle: ParityBundle) => read<GenerationDoc>(bundle, 'generation.json');

/** Largest |a − b| over two equally long arrays (fails loudly on a length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: expected equal lengths, found ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** max |a − b| / max |b|: relative error on the scale of the expected tensor. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i] as number));
  return maxAbsDiff(a, b) / Math.max(scale, 1e-12);
}

export function concat(parts: readonly ArrayLike<number>[]): number[] {
  return parts.flatMap((p) => Array.from(p));
}
