/**
 * An evaluation dataset folder (DESIGN §5): `annotations.jsonl` with one question per line, images
 * and binary masks beside it. Rows may carry extra fields (Shapes-QA: template, template_name;
 * VOC import: template, source); those that name a group are kept for per-group metrics.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { DexarError } from '../../shared/api/envelope';

export interface DatasetRegion {
  /** Answer words grounded in this region's mask. */
  readonly words: readonly string[];
  /** Their indices in `answerWords(answer)`; absent → found by matching the words in order. */
  readonly indices?: readonly number[];
  /** Mask path relative to the dataset folder. */
  readonly mask: string;
}

export interface DatasetQuestion {
  readonly id: string;
  readonly image: string;
  readonly prompt: string;
  readonly answer: string;
  readonly regions: readonly DatasetRegion[];
  /** Metric group: template_name, else category, else a string template, else "all". */
  readonly group: string;
}

export interface Dataset {
  readonly root: string;
  readonly questions: readonly DatasetQuestion[];
  /** sha256 of annotations.jsonl as read: the dataset's identity in provenance and resume checks. */
  readonly annotationsSha256: string;
}

export class DatasetError extends DexarError {
  constructor(message: string) {
    super('validation', message, 'DatasetError');
  }
}

/** A binary mask at its own resolution: 1 inside, 0 outside (any non-zero grey counts as inside). */
export interface BinaryMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Runs of letters, each other non-space character on its own: the split region indices refer to (models/shapes_qa/grammar.split_words). */
export function answerWords(text: string): string[] {
  return text.match(/\p{L}+|[^\s\p{L}]/gu) ?? [];
}

function groupOf(row: Record<string, unknown>): string {
  for (const key of ['template_name', 'category', 'template']) {
    const v = row[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return 'all';
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** A relative path that stays inside the dataset folder (rows come from files users download). */
function insidePath(root: string, rel: unknown, what: string): string {
  if (!isString(rel) || rel === '' || isAbsolute(rel)) throw new DatasetError(`${what}: expected a relative path inside the dataset, found ${JSON.stringify(rel)}`);
  const full = normalize(join(root, rel));
  if (!full.startsWith(root + sep)) throw new DatasetError(`${what}: expected a path inside ${root}, found ${JSON.stringify(rel)}`);
  return rel;
}

function parseRow(root: string, line: string, lineNo: number): DatasetQuestion {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (err) {
    throw new DatasetError(`annotations.jsonl line ${lineNo}: expected a JSON object, found invalid JSON (${(err as Error).message})`);
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new DatasetError(`annotations.jsonl line ${lineNo}: expected a JSON object`);
  const r = row as Record<string, unknown>;
  const where = `annotations.jsonl line ${lineNo}`;
  for (const key of ['id', 'prompt', 'answer'] as const) {
    if (!isString(r[key]) || (r[key] as string).trim() === '') throw new DatasetError(`${where}: expected a non-empty string "${key}", found ${JSON.stringify(r[key])}`);
  }
  if (!Array.isArray(r.regions)) throw new DatasetError(`${where}: expected "regions" to be an array, found ${JSON.stringify(r.regions)}`);
  const regions = r.regions.map((g: unknown, i: number): DatasetRegion => {
    const region = g as Record<string, unknown>;
    if (typeof g !== 'object' || g === null || !Array.isArray(region.words) || !region.words.every(isString)) {
      throw new DatasetError(`${where}: region ${i}: expected {"words": [strings], "mask": path}`);
    }
    const indices = region.indices;
    if (indices !== undefined && (!Array.isArray(indices) || indices.length !== region.words.length || !indices.every((n) => Number.isInteger(n)))) {
      throw new DatasetError(`${where}: region ${i}: expected "indices" to hold one integer per word (${region.words.length}), found ${JSON.stringify(indices)}`);
    }
    return { words: region.words as string[], ...(indices ? { indices: indices as number[] } : {}), mask: insidePath(root, region.mask, `${where}: region ${i} mask`) };
  });
  return { id: r.id as string, image: insidePath(root, r.image, `${where}: image`), prompt: r.prompt as string, answer: r.answer as string, regions, group: groupOf(r) };
}

export async function readDataset(dir: string): Promise<Dataset> {
  const root = resolve(dir);
  const raw = await readFile(join(root, 'annotations.jsonl')).catch(() => {
    throw new DatasetError(`dataset ${root}: expected annotations.jsonl (DESIGN §5 format), found none`);
  });
  const lines = raw.toString('utf8').split('\n');
  const questions: DatasetQuestion[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const q = parseRow(root, line, i + 1);
    if (seen.has(q.id)) throw new DatasetError(`annotations.jsonl line ${i + 1}: expected unique ids, found "${q.id}" twice`);
    seen.add(q.id);
    questions.push(q);
  });
  if (questions.length === 0) throw new DatasetError(`dataset ${root}: expected at least one question in annotations.jsonl, found none`);
  return { root, questions, annotationsSha256: createHash('sha256').update(raw).digest('hex') };
}

/**
 * Answer-word index of every region word: the row's `indices` when given (checked against the
 * words), else each word matched case-insensitively to its first unused occurrence in the answer.
 */
export function regionWordIndices(answer: string, region: DatasetRegion, questionId: string): number[] {
  const words = answerWords(answer);
  if (region.indices) {
    region.indices.forEach((k, i) => {
      if (words[k]?.toLowerCase() !== region.words[i]?.toLowerCase()) {
        throw new DatasetError(`question ${questionId}: expected answer word ${k} to be "${region.words[i]}", found ${JSON.stringify(words[k] ?? null)} in "${answer}"`);
      }
    });
    return [...region.indices];
  }
  const used = new Set<number>();
  return region.words.map((w) => {
    const k = words.findIndex((a, j) => !used.has(j) && a.toLowerCase() === w.toLowerCase());
    if (k < 0) throw new DatasetError(`question ${questionId}: expected region word "${w}" in the answer "${answer}", found none left`);
    used.add(k);
    return k;
  });
}

export async function readMask(root: string, rel: string): Promise<BinaryMask> {
  const path = join(root, rel);
  try {
    const { data, info } = await sharp(path).greyscale().raw().toBuffer({ resolveWithObject: true });
    const out = new Uint8Array(info.width * info.height);
    for (let i = 0; i < out.length; i++) out[i] = (data[i * info.channels] as number) > 0 ? 1 : 0;
    return { width: info.width, height: info.height, data: out };
  } catch (err) {
    throw new DatasetError(`mask ${path}: expected a readable greyscale image, found ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Pixel-wise OR of masks of one size. */
export function unionMask(masks: readonly BinaryMask[]): BinaryMask {
  const first = masks[0];
  if (!first) throw new RangeError('union mask: expected at least one mask, found none');
  const data = new Uint8Array(first.data.length);
  for (const m of masks) {
    if (m.width !== first.width || m.height !== first.height) {
      throw new DatasetError(`union mask: expected masks of one size ${first.width}×${first.height}, found ${m.width}×${m.height}`);
    }
    for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) | (m.data[i] as number);
  }
  return { width: first.width, height: first.height, data };
}
