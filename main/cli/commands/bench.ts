/** `dexar bench`: plain vs explained generation vs the official PyTorch reference, one model, one machine. */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Engine } from '../../engine/engine';
import { benchmark, formatBenchRow } from '../../engine/bench';
import { explainSettings } from '../../engine/explain';
import { parseProviders } from '../../engine/onnx';
import { parseLayerSpec, resolveLayers } from '../../../shared/dexar/settings';
import { decodeRgb, preprocessRgb } from '../../engine/preprocess';
import { samplesDir } from '../../app/build-paths';
import { parseFlags, UsageError } from '../args';

export const summary = 'time plain vs explained generation vs the PyTorch reference';
export const usage = `dexar bench --model M [--tokens 8,32] [options]

  --model M        bundle folder or built-in bundle name
  --tokens LIST    answer lengths to time (default 8,32)
  --image F        image (default: the first sample image)
  --prompt T       prompt (default "Describe the image.")
  --hf DIR         HF checkpoint of the model for the reference run (default: the bundle's
                   source checkpoint in models/checkpoints/ when committed there, as the demo
                   model's is; tiny-llama / tiny-mistral rebuild theirs in a temp folder);
                   without one the reference is skipped
  --no-reference   skip the reference
  --python P       Python with models/ importable (default models/.venv/bin/python)
  --repeats N      rounds per answer length (default 15): plain, explained and the reference
                   back to back in each (the reference in one Python process, warmed up like the
                   engine); medians and per-round ratios (median, range) reported
  --layers SPEC    explained layers, e.g. "0-3" (default: the bundle's); the reference explains
                   the same set
  --threads N      threads for onnxruntime and torch (default 1: like for like)
  --ep LIST        execution providers (default cpu, for a like-for-like CPU comparison)`;

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    model: { type: 'string' },
    tokens: { type: 'string' },
    image: { type: 'string' },
    prompt: { type: 'string' },
    hf: { type: 'string' },
    'no-reference': { type: 'boolean' },
    python: { type: 'string' },
    repeats: { type: 'string' },
    threads: { type: 'string' },
    ep: { type: 'string' },
    layers: { type: 'string' },
  });
  if (!flags.model) throw new UsageError('--model is required');
  const tokens = (flags.tokens ?? '8,32').split(',').map(Number);
  if (tokens.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--tokens expects positive integers separated by commas, got ${flags.tokens}`);
  const repeats = Number(flags.repeats ?? 15);
  const threads = Number(flags.threads ?? 1);
  if (!Number.isInteger(repeats) || repeats < 1 || !Number.isInteger(threads) || threads < 1) throw new UsageError('--repeats and --threads expect positive integers');
  let providers;
  let layers: number[] | undefined;
  try {
    providers = parseProviders(flags.ep ?? 'cpu');
    layers = flags.layers === undefined ? undefined : parseLayerSpec(flags.layers);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const imagePath = resolve(flags.image ?? (await firstSampleImage()));
  const prompt = flags.prompt ?? 'Describe the image.';
  const cwd = process.cwd();
  const python = flags.python ?? join(cwd, 'models', '.venv', 'bin', 'python');

  const engine = new Engine();
  let tempCheckpoint: string | null = null;
  try {
    const model = await engine.open(flags.model, providers, threads);
    let explained: number[];
    try {
      explained = resolveLayers(explainSettings(model, layers ? { layers } : {}), model.manifest.text.num_layers);
    } catch (err) {
      throw new UsageError(`--layers: ${(err as Error).message}`);
    }
    const image = preprocessRgb(await decodeRgb(imagePath), model.manifest.preprocessing);
    const committed = join(cwd, 'models', 'checkpoints', model.manifest.source.checkpoint);
    let checkpoint = flags.hf ? resolve(flags.hf) : existsSync(join(committed, 'config.json')) ? committed : null;
    if (!checkpoint && !flags['no-reference'] && ['tiny-llama', 'tiny-mistral'].includes(model.manifest.source.checkpoint)) {
      tempCheckpoint = await mkdtemp(join(tmpdir(), 'dexar-bench-'));
      checkpoint = buildTiny(python, model.manifest.source.checkpoint, tempCheckpoint, cwd);
    }
    const reference = checkpoint && !flags['no-reference'] ? { python, checkpoint, imagePath, threads } : null;
    process.stdout.write(`bench ${model.manifest.name} on ${process.platform}-${process.arch}, ${threads} thread(s), providers ${providers.join(',')}, layers ${explained.join(',')}, median of ${repeats}\n`);
    await benchmark(model, image, prompt, tokens, { repeats, reference, cwd, layers: explained, onRow: (row) => process.stdout.write(`${formatBenchRow(row)}\n`) });
  } finally {
    await engine.close();
    if (tempCheckpoint) await rm(tempCheckpoint, { recursive: true, force: true });
  }
}

async function firstSampleImage(): Promise<string> {
  const dir = join(samplesDir(), 'images');
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort() : [];
  if (files.length === 0) throw new UsageError(`--image is required (no sample images in ${dir})`);
  return join(dir, files[0] as string);
}

/** The tiny bundles are exported from checkpoints rebuilt deterministically in-process (models/tiny.py). */
function buildTiny(python: string, name: string, out: string, cwd: string): string {
  const code = `from models.tiny import build_tiny; build_tiny(${JSON.stringify(name)}, ${JSON.stringify(out)}, seed=0)`;
  const r = spawnSync(python, ['-c', code], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: expected to rebuild the ${name} checkpoint with ${python}, found: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  return out;
}
