/**
 * Benchmark of issue 5 on one model and machine: plain generation, explained generation (online
 * DEX-AR) and the official per-token PyTorch reference (`python -m models.reference`, CPU).
 * Targets: explained ≤ 2× plain; ≥ 10× faster than the reference at 32 tokens. Explained
 * generation produces the answer and its maps, so it is compared with what the reference needs
 * for the same: its greedy generation plus its explanation loop (the loop alone is printed too).
 */
import { spawn } from 'node:child_process';
import { median } from '../../shared/stats';
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
  /** Median over its runs (one per three rounds) of the reference's explain time for the same number of tokens (its per-token time × tokens), or null when not run. */
  readonly referenceSeconds: number | null;
  /** The same runs' greedy generation of the answer (HF generate with KV cache), scaled likewise. */
  readonly referenceGenerateSeconds: number | null;
  /** Tokens the reference explained: `tokens` (it ignores EOS as the engine runs do), fewer only at the context limit. */
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

async function seconds(f: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await f();
  return (performance.now() - start) / 1000;
}

/** Runs the reference CLI; returns its JSON timing line. */
export function runReference(ref: ReferenceRunner, prompt: string, tokens: number, cwd: string): Promise<{ tokens: number; generate_seconds: number; explain_seconds: number; explain_seconds_per_token: number }> {
  const args = ['-m', 'models.reference', '--hf', ref.checkpoint, '--image', ref.imagePath, '--prompt', prompt, '--max-new-tokens', String(tokens), '--ignore-eos', '--threads', String(ref.threads)];
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
    // Interleaved, so all three medians see the same machine load (a shared machine drifts);
    // the reference (a Python process per run) every third round.
    const plain: number[] = [];
    const explained: number[] = [];
    const reference: number[] = [];
    const referenceGenerate: number[] = [];
    let referenceTokens: number | null = null;
    for (let i = 0; i < options.repeats; i++) {
      plain.push(await seconds(async () => void (await generate(model, prompt, image, gen(n)))));
      explained.push(await seconds(async () => void (await explainGeneration(model, prompt, image, gen(n), settings))));
      if (options.reference && i % 3 === 0) {
        const r = await runReference(options.reference, prompt, n, options.cwd);
        referenceTokens = r.tokens;
        reference.push(r.explain_seconds_per_token * n);
        referenceGenerate.push((r.generate_seconds / r.tokens) * n);
      }
    }
    const plainSeconds = median(plain) as number;
    const explainedSeconds = median(explained) as number;
    const referenceSeconds = median(reference);
    const referenceGenerateSeconds = median(referenceGenerate);
    const row = { tokens: n, plainSeconds, explainedSeconds, referenceSeconds, referenceGenerateSeconds, referenceTokens };
    options.onRow?.(row);
    rows.push(row);
  }
  return rows;
}

export function formatBenchRow(row: BenchRow): string {
  const head = `${row.tokens} tokens: plain ${row.plainSeconds.toFixed(3)} s, explained ${row.explainedSeconds.toFixed(3)} s (${(row.explainedSeconds / row.plainSeconds).toFixed(2)}× plain)`;
  if (row.referenceSeconds === null || row.referenceGenerateSeconds === null) return `${head}; reference: not run`;
  const scaled = row.referenceTokens === row.tokens ? '' : ` (explained ${row.referenceTokens} tokens, scaled to ${row.tokens})`;
  const total = row.referenceSeconds + row.referenceGenerateSeconds;
  return (
    `${head}; reference ${row.referenceGenerateSeconds.toFixed(3)} s generate + ${row.referenceSeconds.toFixed(3)} s explain${scaled}: ` +
    `${(total / row.explainedSeconds).toFixed(1)}× faster than the reference (${(row.referenceSeconds / row.explainedSeconds).toFixed(1)}× its explain loop alone)`
  );
}
