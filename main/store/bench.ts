/**
 * `dexar bench-store`: builds a temporary project with N images and N explained runs (synthetic,
 * realistically sized: 24 tokens, 8×8..24×24 grids, per-token DEX-AR and attention maps) and
 * measures import throughput, save throughput, bytes per run, and gallery query latency.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seededRandom, syntheticPng, syntheticPrompt, syntheticRun } from './bench-data';
import { openProject, type Project } from './project';
import { FAILURE_TAGS, type GalleryQuery } from './types';

export interface StoreBenchmarkOptions {
  /** Images to import (default 2000). */
  images?: number;
  /** Explained runs to save (default 2000). */
  runs?: number;
  /** Answer length in tokens (default 24). */
  tokens?: number;
  /** Image width×height in pixels (default 320×240). */
  imageWidth?: number;
  imageHeight?: number;
  /** Timed repetitions per gallery query (default 25). */
  repeats?: number;
  /** Where to build the project; a fresh temp folder (removed afterwards) by default. */
  dir?: string;
  /** Keep the folder and project for inspection. */
  keep?: boolean;
  /** Median latency every gallery query must beat, in ms (default 50). */
  targetMs?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface QueryTiming {
  name: string;
  medianMs: number;
  p95Ms: number;
  /** Rows matching the filter (the page itself holds at most 50). */
  total: number;
}

export interface StoreBenchmarkReport {
  images: number;
  runs: number;
  tokensPerRun: number;
  imageImportSeconds: number;
  imagesPerSecond: number;
  imageMegabytesPerSecond: number;
  runSaveSeconds: number;
  runsPerSecond: number;
  /** File growth from saving the runs, divided by the run count (tokens, maps, indexes). */
  bytesPerRun: number;
  fileBytes: number;
  reopenMs: number;
  queries: QueryTiming[];
  runDetailMedianMs: number;
  cacheLookupMedianMs: number;
  targetMs: number;
  pass: boolean;
  projectPath: string;
}

function fileSize(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // no WAL file: fully checkpointed
    }
  }
  return total;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function time(repeats: number, fn: () => unknown): { medianMs: number; p95Ms: number } {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95) };
}

const MODELS = ['1', '2', '3'].map((c, i) => ({ sha256: c.repeat(64), name: `bench-model-${i + 1}`, manifest: { family: 'llava', grid: [24, 24] } }));

async function importImages(project: Project, dir: string, options: Required<Pick<StoreBenchmarkOptions, 'images' | 'imageWidth' | 'imageHeight'>>, onProgress: StoreBenchmarkOptions['onProgress']) {
  const sourceDir = join(dir, 'source images');
  mkdirSync(sourceDir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < options.images; i++) {
    const path = join(sourceDir, `image ${String(i).padStart(5, '0')}.png`);
    writeFileSync(path, await syntheticPng(i + 1, options.imageWidth, options.imageHeight));
    paths.push(path);
    if (i % 100 === 0) onProgress?.('generate images', i, options.images);
  }
  const shas: string[] = [];
  let bytes = 0;
  const start = performance.now();
  for (const [i, path] of paths.entries()) {
    const { image } = await project.importImage(path);
    shas.push(image.sha256);
    bytes += image.byteSize;
    if (i % 100 === 0) onProgress?.('import images', i, paths.length);
  }
  const seconds = (performance.now() - start) / 1000;
  rmSync(sourceDir, { recursive: true, force: true });
  return { shas, seconds, bytes };
}

export async function runStoreBenchmark(options: StoreBenchmarkOptions = {}): Promise<StoreBenchmarkReport> {
  const images = options.images ?? 2000;
  const runs = options.runs ?? 2000;
  const tokens = options.tokens ?? 24;
  const repeats = options.repeats ?? 25;
  const targetMs = options.targetMs ?? 50;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'dexar-bench-store-'));
  mkdirSync(dir, { recursive: true });
  const projectPath = join(dir, 'bench.dexar');
  rmSync(projectPath, { force: true });
  const rand = seededRandom(2026);
  let project = openProject(projectPath, { create: true });
  try {
    for (const model of MODELS) project.addModel(model);
    const imported = await importImages(project, dir, { images, imageWidth: options.imageWidth ?? 320, imageHeight: options.imageHeight ?? 240 }, options.onProgress);
    project.checkpoint();
    const bytesBeforeRuns = fileSize(projectPath);

    const runIds: number[] = [];
    const saveStart = performance.now();
    for (let i = 0; i < runs; i++) {
      const input = syntheticRun({
        imageSha: imported.shas[i % imported.shas.length] as string,
        modelSha: MODELS[i % MODELS.length]!.sha256,
        promptText: syntheticPrompt(rand),
        seed: 10_000 + i,
        tokens,
        grid: 8 + Math.floor(rand() * 17),
      });
      runIds.push(project.saveRun(input));
      if (i % 100 === 0) options.onProgress?.('save runs', i, runs);
    }
    const runSaveSeconds = (performance.now() - saveStart) / 1000;
    project.checkpoint();
    const bytesPerRun = (fileSize(projectPath) - bytesBeforeRuns) / runs;
    // About one run in four gets a failure annotation, like an audited project.
    for (const id of runIds) {
      if (rand() < 0.25) project.addAnnotation({ runId: id, tag: FAILURE_TAGS[Math.floor(rand() * FAILURE_TAGS.length)]!, severity: 'medium', notes: 'bench' });
    }
    project.close();

    const reopenStart = performance.now();
    project = openProject(projectPath);
    const reopenMs = performance.now() - reopenStart;

    const queries: [string, GalleryQuery][] = [
      ['no filter, newest first', {}],
      ['tag = wrong-count', { filter: { tags: ['wrong-count'] } }],
      ['model', { filter: { modelShas: [MODELS[0]!.sha256] } }],
      ['prompt text "red star"', { filter: { promptText: 'red star' } }],
      ['δ mean ≥ 0.3, sort δ max', { filter: { deltaMeanMin: 0.3 }, sort: { by: 'deltaMax', dir: 'desc' } }],
      ['grounded ≥ 14, sort δ mean', { filter: { groundedMin: 14 }, sort: { by: 'deltaMean', dir: 'desc' } }],
      ['tag + model + δ max ≥ 0.85', { filter: { tags: ['wrong-count', 'mislocalized'], modelShas: [MODELS[1]!.sha256], deltaMaxMin: 0.85 } }],
      ['page 20 by image name', { sort: { by: 'imageName', dir: 'asc' }, offset: 1000 }],
    ];
    const timings: QueryTiming[] = queries.map(([name, query]) => {
      const total = project.queryGallery(query).total;
      return { name, total, ...time(repeats, () => project.queryGallery(query)) };
    });
    const sample = runIds[Math.floor(runIds.length / 2)] as number;
    const detail = project.getRun(sample)!;
    const runDetail = time(repeats, () => project.getRun(sample));
    const cache = time(repeats, () => project.findCachedRun(detail.imageSha, detail.promptText, detail.modelSha, project.getRun(sample)!.settings));
    return {
      images,
      runs,
      tokensPerRun: tokens,
      imageImportSeconds: imported.seconds,
      imagesPerSecond: images / imported.seconds,
      imageMegabytesPerSecond: imported.bytes / 1e6 / imported.seconds,
      runSaveSeconds,
      runsPerSecond: runs / runSaveSeconds,
      bytesPerRun,
      fileBytes: fileSize(projectPath),
      reopenMs,
      queries: timings,
      runDetailMedianMs: runDetail.medianMs,
      cacheLookupMedianMs: cache.medianMs,
      targetMs,
      pass: timings.every((q) => q.medianMs < targetMs),
      projectPath,
    };
  } finally {
    project.close();
    if (!options.keep && options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

export function formatStoreBenchmark(r: StoreBenchmarkReport): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const lines = [
    `project store benchmark: ${r.images} images, ${r.runs} explained runs (${r.tokensPerRun} tokens each)`,
    `  image import   ${r.imagesPerSecond.toFixed(1)} images/s (${r.imageMegabytesPerSecond.toFixed(2)} MB/s, ${r.imageImportSeconds.toFixed(1)} s; validate + decode + thumbnail + store)`,
    `  run save       ${r.runsPerSecond.toFixed(1)} runs/s (${r.runSaveSeconds.toFixed(1)} s; one transaction + fsync per run)`,
    `  size           ${(r.bytesPerRun / 1024).toFixed(1)} KiB per run; file ${mb(r.fileBytes)}`,
    `  reopen         ${r.reopenMs.toFixed(0)} ms (header, quick_check, migrations)`,
    `  gallery queries (median / p95, first page of 50 + total count; target < ${r.targetMs} ms median):`,
    ...r.queries.map((q) => `    ${q.name.padEnd(30)} ${q.medianMs.toFixed(2).padStart(7)} ms / ${q.p95Ms.toFixed(2).padStart(7)} ms  (${q.total} runs match)`),
    `  open one run (tokens + all maps)  ${r.runDetailMedianMs.toFixed(2)} ms median`,
    `  cache lookup                      ${r.cacheLookupMedianMs.toFixed(2)} ms median`,
    `  result: ${r.pass ? 'PASS' : 'FAIL'} (every gallery query median < ${r.targetMs} ms)`,
  ];
  return `${lines.join('\n')}\n`;
}
