/**
 * Benchmark of issue 5 on one model and machine: plain generation, explained generation (online
 * DEX-AR) and the official per-token PyTorch reference (`python -m models.reference`, CPU).
 * Targets: explained ≤ 2× plain; ≥ 10× faster than the reference at 32 tokens. Explained
 * generation produces the answer and its maps, so it is compared with what the reference needs
 * for the same: its greedy generation plus its explanation loop (the loop alone is printed too).
 */
import { resolveLayers } from '../../shared/dexar/settings';
import { median } from '../../shared/stats';
import { explainGeneration, explainSettings } from './explain';
import { generate } from './generation/generate';
import type { VlmModel } from './model';
import type { PreprocessedImage } from './preprocess';
import { ReferenceProcess, type ReferenceRunner } from './reference-process';

export interface BenchRow {
  readonly tokens: number;
  /** Median seconds of plain generation of `tokens` tokens (KV cache, greedy, no stop tokens). */
  readonly plainSeconds: number;
  /** Median seconds of generation with online explanation of every token. */
  readonly explainedSeconds: number;
  /** Explained ÷ plain per round (the two runs back to back), median and range: load that drifts over seconds hits both runs of a round alike, unlike the two medians. */
  readonly pairedRatio: Spread;
  /** Median over its runs (one per round) of the reference's explain time for the same number of tokens (its per-token time × tokens), or null when not run. */
  readonly referenceSeconds: number | null;
  /** The same runs' greedy generation of the answer (HF generate with KV cache), scaled likewise. */
  readonly referenceGenerateSeconds: number | null;
  /** Tokens the reference explained: `tokens` (it ignores EOS as the engine runs do), fewer only at the context limit. */
  readonly referenceTokens: number | null;
  /** The reference's generation + explanation ÷ the explained run of the same round, over the rounds; null when not run. */
  readonly pairedSpeedup: Spread | null;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function spread(values: readonly number[]): Spread | null {
  const m = median(values);
  return m === null ? null : { median: m, min: Math.min(...values), max: Math.max(...values) };
}

async function seconds(f: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await f();
  return (performance.now() - start) / 1000;
}

export async function benchmark(
  model: VlmModel,
  image: PreprocessedImage,
  prompt: string,
  tokenCounts: readonly number[],
  options: { repeats: number; reference: ReferenceRunner | null; cwd: string; layers?: readonly number[]; onRow?: (row: BenchRow) => void },
): Promise<BenchRow[]> {
  const settings = explainSettings(model, options.layers ? { layers: options.layers } : {});
  const layers = resolveLayers(settings, model.manifest.text.num_layers);
  const gen = (n: number) => ({ maxNewTokens: n, stopTokens: [] as number[] });
  const reference = options.reference ? ReferenceProcess.start(options.reference, options.cwd) : null;
  try {
    // Warm-up on both sides: session start-up and first-run allocations are not what is compared.
    await generate(model, prompt, image, gen(2));
    await explainGeneration(model, prompt, image, gen(2), settings);
    await reference?.run(prompt, 2, layers);
    const rows: BenchRow[] = [];
    for (const n of tokenCounts) {
      rows.push(await benchLength(n));
      options.onRow?.(rows[rows.length - 1] as BenchRow);
    }
    return rows;
  } finally {
    await reference?.close();
  }

  async function benchLength(n: number): Promise<BenchRow> {
    // Interleaved, so all three medians see the same machine load (a shared machine drifts), and
    // each round's runs back to back for the paired ratios.
    const plain: number[] = [];
    const explained: number[] = [];
    const referenceExplain: number[] = [];
    const referenceGenerate: number[] = [];
    const ratios: number[] = [];
    const speedups: number[] = [];
    let referenceTokens: number | null = null;
    for (let i = 0; i < options.repeats; i++) {
      const p = await seconds(async () => void (await generate(model, prompt, image, gen(n))));
      const e = await seconds(async () => void (await explainGeneration(model, prompt, image, gen(n), settings)));
      plain.push(p);
      explained.push(e);
      ratios.push(e / p);
      if (reference) {
        // Like for like: the reference explains the engine runs' layer set.
        const r = await reference.run(prompt, n, layers);
        referenceTokens = r.tokens;
        const explain = r.explain_seconds_per_token * n;
        const generation = (r.generate_seconds / r.tokens) * n;
        referenceExplain.push(explain);
        referenceGenerate.push(generation);
        speedups.push((explain + generation) / e);
      }
    }
    return {
      tokens: n,
      plainSeconds: median(plain) as number,
      explainedSeconds: median(explained) as number,
      pairedRatio: spread(ratios) as Spread,
      referenceSeconds: median(referenceExplain),
      referenceGenerateSeconds: median(referenceGenerate),
      referenceTokens,
      pairedSpeedup: spread(speedups),
    };
  }
}

const range = (s: Spread, digits: number) => `median ${s.median.toFixed(digits)}×, ${s.min.toFixed(digits)}–${s.max.toFixed(digits)}×`;

export function formatBenchRow(row: BenchRow): string {
  const head =
    `${row.tokens} tokens: plain ${row.plainSeconds.toFixed(3)} s, explained ${row.explainedSeconds.toFixed(3)} s ` +
    `(${(row.explainedSeconds / row.plainSeconds).toFixed(2)}× plain; per round ${range(row.pairedRatio, 2)})`;
  if (row.referenceSeconds === null || row.referenceGenerateSeconds === null || row.pairedSpeedup === null) return `${head}; reference: not run`;
  const scaled = row.referenceTokens === row.tokens ? '' : ` (explained ${row.referenceTokens} tokens, scaled to ${row.tokens})`;
  const total = row.referenceSeconds + row.referenceGenerateSeconds;
  return (
    `${head}; reference ${row.referenceGenerateSeconds.toFixed(3)} s generate + ${row.referenceSeconds.toFixed(3)} s explain${scaled}: ` +
    `${(total / row.explainedSeconds).toFixed(1)}× faster than the reference (${(row.referenceSeconds / row.explainedSeconds).toFixed(1)}× its explain loop alone; ` +
    `per reference round ${range(row.pairedSpeedup, 1)})`
  );
}
