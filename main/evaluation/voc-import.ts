/**
 * Imports a Pascal-VOC-layout folder (JPEGImages, SegmentationClass, SegmentationObject,
 * Annotations) into the DESIGN §5 dataset format with templated questions whose class words are
 * grounded in the class's segmentation mask. The source folder is only read; the output is built
 * in a sibling temp folder and renamed into place, so a failed import leaves nothing behind.
 */
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { DexarError } from '../../shared/api/envelope';
import { labelsFromRgb, VOC_CLASSES, VOC_VOID } from './voc-palette';

export interface VocImportOptions {
  vocDir: string;
  outDir: string;
  /** An ImageSets/Segmentation list name (e.g. "val"); default: every image with both masks. */
  split?: string;
  limit?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface VocImportSummary {
  images: number;
  questions: number;
  skipped: { id: string; reason: string }[];
}

interface Region {
  words: string[];
  mask: string;
}

export interface DatasetRow {
  id: string;
  image: string;
  prompt: string;
  answer: string;
  regions: Region[];
  template: 'presence' | 'absence' | 'count';
  source: string;
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const PHRASES: Partial<Record<string, string>> = { diningtable: 'dining table', pottedplant: 'potted plant', tvmonitor: 'tv monitor' };
const PLURALS: Partial<Record<string, string>> = { person: 'people', sheep: 'sheep', bus: 'buses' };

export function classPhrase(name: string): string {
  return PHRASES[name] ?? name;
}

export function pluralPhrase(name: string): string {
  const plural = PLURALS[name];
  if (plural) return plural;
  return `${classPhrase(name)}s`;
}

function article(phrase: string): string {
  return /^[aeiou]/.test(phrase) ? 'an' : 'a';
}

function words(text: string): string[] {
  return text.split(' ');
}

export class VocImportError extends DexarError {
  constructor(message: string) {
    super('validation', message, 'VocImportError');
  }
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function listIds(vocDir: string, split: string | undefined): Promise<string[]> {
  if (split !== undefined) {
    const list = join(vocDir, 'ImageSets', 'Segmentation', `${split}.txt`);
    const text = await readFile(list, 'utf8').catch(() => {
      throw new VocImportError(`split '${split}' not found: expected ${list}`);
    });
    return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  }
  const files = await readdir(join(vocDir, 'SegmentationClass'));
  return files.filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4)).sort();
}

async function readLabels(file: string): Promise<{ labels: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { labels: labelsFromRgb(data, info.channels, file), width: info.width, height: info.height };
}

/** Non-difficult object counts per class from the XML annotation, if present. */
async function annotatedCounts(file: string): Promise<Map<string, number> | undefined> {
  const xml = await readFile(file, 'utf8').catch(() => undefined);
  if (xml === undefined) return undefined;
  const counts = new Map<string, number>();
  for (const [, body] of xml.matchAll(/<object>([\s\S]*?)<\/object>/g)) {
    const name = /<name>\s*([^<]+?)\s*<\/name>/.exec(body ?? '')?.[1];
    if (!name || /<difficult>\s*1\s*<\/difficult>/.test(body ?? '')) continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Instances per class: each object id's class is the majority label under it. */
function instanceCounts(classLabels: Uint8Array, objectLabels: Uint8Array): Map<number, number> {
  const votes = new Map<number, Map<number, number>>();
  for (let i = 0; i < objectLabels.length; i++) {
    const object = objectLabels[i] as number;
    const cls = classLabels[i] as number;
    if (object === 0 || object === VOC_VOID || cls === 0 || cls === VOC_VOID) continue;
    const byClass = votes.get(object) ?? new Map<number, number>();
    byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
    votes.set(object, byClass);
  }
  const counts = new Map<number, number>();
  for (const byClass of votes.values()) {
    const [cls] = [...byClass.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
    counts.set(cls, (counts.get(cls) ?? 0) + 1);
  }
  return counts;
}

/** Deterministic pick of an absent class for the negative question (no randomness in imports). */
function absentClass(id: string, present: Set<number>): number | undefined {
  const absent = VOC_CLASSES.map((_, label) => label).filter((label) => label > 0 && !present.has(label));
  if (absent.length === 0) return undefined;
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return absent[hash % absent.length];
}

function maskPng(labels: Uint8Array, label: number, width: number, height: number): Promise<Buffer> {
  const mask = Buffer.alloc(labels.length);
  for (let i = 0; i < labels.length; i++) mask[i] = labels[i] === label ? 255 : 0;
  return sharp(mask, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

export async function importVoc(options: VocImportOptions): Promise<VocImportSummary> {
  const vocDir = resolve(options.vocDir);
  const outDir = resolve(options.outDir);
  for (const sub of ['JPEGImages', 'SegmentationClass', 'SegmentationObject']) {
    if (!(await isDir(join(vocDir, sub)))) {
      throw new VocImportError(`${vocDir} is not a VOC-layout folder: ${sub}/ is missing`);
    }
  }
  if (outDir === vocDir || outDir.startsWith(vocDir + sep)) {
    throw new VocImportError('the output folder must be outside the VOC folder (imports never write into the source)');
  }
  if (await stat(outDir).catch(() => undefined)) throw new VocImportError(`${outDir} already exists; choose a new output folder`);

  const ids = (await listIds(vocDir, options.split)).slice(0, options.limit ?? Number.POSITIVE_INFINITY);
  const staging = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'images'), { recursive: true });
  await mkdir(join(staging, 'masks'), { recursive: true });
  const rows: DatasetRow[] = [];
  const summary: VocImportSummary = { images: 0, questions: 0, skipped: [] };
  try {
    for (const [index, id] of ids.entries()) {
      if (options.signal?.aborted) throw new DexarError('cancelled', 'VOC import cancelled', 'AbortError');
      const produced = await importImage(vocDir, staging, id);
      if (typeof produced === 'string') summary.skipped.push({ id, reason: produced });
      else {
        rows.push(...produced);
        summary.images++;
      }
      options.onProgress?.(index + 1, ids.length);
    }
    summary.questions = rows.length;
    await writeFile(join(staging, 'annotations.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : ''));
    await rename(staging, outDir);
    return summary;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function importImage(vocDir: string, outDir: string, id: string): Promise<DatasetRow[] | string> {
  const jpeg = join(vocDir, 'JPEGImages', `${id}.jpg`);
  if (!(await stat(jpeg).catch(() => undefined))) return 'no JPEGImages file';
  let classes: Awaited<ReturnType<typeof readLabels>>;
  let objects: Awaited<ReturnType<typeof readLabels>>;
  try {
    classes = await readLabels(join(vocDir, 'SegmentationClass', `${id}.png`));
    objects = await readLabels(join(vocDir, 'SegmentationObject', `${id}.png`));
  } catch (err) {
    return `unreadable mask: ${err instanceof Error ? err.message : String(err)}`;
  }
  const meta = await sharp(jpeg).metadata();
  if (meta.width !== classes.width || meta.height !== classes.height || objects.width !== classes.width || objects.height !== classes.height) {
    return 'image and masks differ in size';
  }
  const image = `images/${id}.jpg`;
  await copyFile(jpeg, join(outDir, image));

  const present = new Set<number>();
  for (const label of classes.labels) if (label !== 0 && label !== VOC_VOID) present.add(label);
  const instances = instanceCounts(classes.labels, objects.labels);
  const xmlCounts = await annotatedCounts(join(vocDir, 'Annotations', `${id}.xml`));
  const rows: DatasetRow[] = [];
  const row = (template: DatasetRow['template'], prompt: string, answer: string, regions: Region[]) =>
    rows.push({ id: `${id}-q${rows.length}`, image, prompt, answer, regions, template, source: id });

  for (const label of [...present].sort((a, b) => a - b)) {
    const name = VOC_CLASSES[label] as string;
    const phrase = classPhrase(name);
    const mask = `masks/${id}-${name}.png`;
    await writeFile(join(outDir, mask), await maskPng(classes.labels, label, classes.width, classes.height));
    row('presence', `Is there ${article(phrase)} ${phrase} in the image?`, `Yes, there is ${article(phrase)} ${phrase}.`, [{ words: words(phrase), mask }]);
    const n = instances.get(label) ?? 0;
    // Count questions only where the segmentation and the annotation agree on the count.
    if (n >= 1 && n < NUMBER_WORDS.length && (xmlCounts === undefined || xmlCounts.get(name) === n)) {
      const plural = pluralPhrase(name);
      if (n === 1) row('count', `How many ${plural} are there?`, `There is one ${phrase}.`, [{ words: ['one', ...words(phrase)], mask }]);
      else row('count', `How many ${plural} are there?`, `There are ${NUMBER_WORDS[n]} ${plural}.`, [{ words: [NUMBER_WORDS[n] as string, ...words(plural)], mask }]);
    }
  }
  const absent = absentClass(id, present);
  if (absent !== undefined) {
    const phrase = classPhrase(VOC_CLASSES[absent] as string);
    row('absence', `Is there ${article(phrase)} ${phrase} in the image?`, `No, there is no ${phrase}.`, []);
  }
  return rows;
}
