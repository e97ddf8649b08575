/**
 * Benchmark of issue 5 on one model and machine: plain generation, explained generation (online
 * DEX-AR) and the official per-token PyTorch reference (`python -m models.reference`, CPU).
 * Targets: explained ≤ 2× plain; ≥ 10× faster than the reference at 32 tokens.
 */
import { spawn } from 'node:child_process';
import { explainGeneration, explainSettings } from './explain';
import { generate } from './generation/generate';
import type { VlmModel } from './model';
import type { PreprocessedImage } from './preprocess';

export interface BenchRow {
  readonly tokens: number;
  /** Median seconds of plain generation of `tokens` tokens (KV cache, greedy, no stop tokens). */
  readonly plainSeconds: number;
  /** Median seconds of generation with online explanation of every token. */
  readonly explainedSeconds: number;
  /** The reference's explain time for the same number of tokens (its per-token time × tokens), or null when not run. */
  readonly referenceSeconds: number | null;
  /** Tokens the reference actually explained (its greedy answer may stop early at EOS). */
  readonly referenceTokens: number | null;
}

export interface ReferenceRunner {
  /** Python interpreter with models/ importable (run from the repo root). */
  readonly python: string;
  /** HF checkpoint folder the bundle was exported from. */
  readonly checkpoint: string;
  readonly imagePath: string;
  readonly threads: number;
}

async function median(repeats: number, f: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await f();
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** Runs the reference CLI; returns its JSON timing line. */
export function runReference(ref: ReferenceRunner, prompt: string, tokens: number, cwd: string): Promise<{ tokens: number; explain_seconds: number; explain_seconds_per_token: number }> {
  const args = ['-m', 'models.reference', '--hf', ref.checkpoint, '--image', ref.imagePath, '--prompt', prompt, '--max-new-tokens', String(tokens), '--threads', String(ref.threads)];
  return new Promise((resolve, reject) => {
    const child = spawn(ref.python, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`reference: expected a JSON timing line, found exit ${code}: ${(err.trim().split('\n').pop() ?? '').slice(0, 300)}`));
      resolve(JSON.parse(line));
    });
  });
}

export async function benchmark(
  model: VlmModel,
  image: PreprocessedImage,
  prompt: string,
  tokenCounts: readonly number[],
  options: { repeats: number; reference: ReferenceRunner | null; cwd: string; onRow?: (row: BenchRow) => void },
): Promise<BenchRow[]> {
  const settings = explainSettings(model);
  const gen = (n: number) => ({ maxNewTokens: n, stopTokens: [] as number[] });
  // Warm-up: session start-up and first-run allocations are not what is being compared.
  await generate(model, prompt, image, gen(2));
  await explainGeneration(model, prompt, image, gen(2), settings);
  const rows: BenchRow[] = [];
  for (const n of tokenCounts) {
    const plainSeconds = await median(options.repeats, async () => void (await generate(model, prompt, image, gen(n))));
    const explainedSeconds = await median(options.repeats, async () => void (await explainGeneration(model, prompt, image, gen(n), settings)));
    let referenceSeconds: number | null = null;
    let referenceTokens: number | null = null;
    if (options.reference) {
      const r = await runReference(options.reference, prompt, n, options.cwd);
      referenceTokens = r.tokens;
      referenceSeconds = r.explain_seconds_per_token * n;
    }
    const row = { tokens: n, plainSeconds, explainedSeconds, referenceSeconds, referenceTokens };
    options.onRow?.(row);
    rows.push(row);
  }
  return rows;
}

export function formatBenchRow(row: BenchRow): string {
  const ref = row.referenceSeconds === null ? 'reference: not run' : `reference ${row.referenceSeconds.toFixed(3)} s (explained ${row.referenceTokens} tokens, scaled to ${row.tokens}); ${(row.referenceSeconds / row.explainedSeconds).toFixed(1)}× faster than the reference`;
  return `${row.tokens} tokens: plain ${row.plainSeconds.toFixed(3)} s, explained ${row.explainedSeconds.toFixed(3)} s (${(row.explainedSeconds / row.plainSeconds).toFixed(2)}× plain); ${ref}`;
}
