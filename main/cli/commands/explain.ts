/** `dexar explain`: one image + prompt through a bundle → result.json and PNG overlays. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { deltaLabel } from '../../../shared/dexar/delta';
import { parseLayerSpec } from '../../../shared/dexar/settings';
import { APP_VERSION } from '../../app/info';
import { Engine } from '../../engine/engine';
import type { SamplingOptions } from '../../engine/generation/sampler';
import { parseProviders } from '../../engine/onnx';
import { writeOverlayPng } from '../../engine/overlay';
import { resultDocument } from '../../engine/result';
import { parseFlags, UsageError, positiveInt } from '../args';

export const summary = 'explain a model answer on an image: per-token and sentence DEX-AR maps';
export const usage = `dexar explain --model M --image F --prompt T --out DIR [options]

  --model M             bundle folder or built-in bundle name
  --image F             PNG/JPEG/WebP image
  --prompt T            question or instruction
  --answer A            explain this answer (teacher forcing) instead of generating one
  --max-new-tokens N    tokens to generate (default 32)
  --temperature T       sample instead of greedy decoding (with --top-p P, --seed S)
  --instead POS:ID      with --answer: explain token id ID at answer position POS (counterfactual)
  --layers SPEC         explained layers, e.g. "22-31" or "1,3" (default: the bundle's range, usually the last 10)
  --top-k K             head score = mean of the K largest relevances (default 1)
  --single-final-norm   apply the final norm once on the last layer (official: twice)
  --keep-column-after-image  keep column i0+N in the text set (official: dropped)
  --ep LIST             execution providers in order, e.g. cuda,cpu (default: platform GPU, then CPU)
  --threads N           onnxruntime threads (default: its own)
  --out DIR             folder for result.json, sentence.png and token-NN.png (each token's map
                        on its own scale; δ 0 marks a linguistic token, with no weight in the
                        sentence map)`;

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    model: { type: 'string' },
    image: { type: 'string' },
    prompt: { type: 'string' },
    answer: { type: 'string' },
    'max-new-tokens': { type: 'string' },
    temperature: { type: 'string' },
    'top-p': { type: 'string' },
    seed: { type: 'string' },
    instead: { type: 'string' },
    layers: { type: 'string' },
    'top-k': { type: 'string' },
    'single-final-norm': { type: 'boolean' },
    'keep-column-after-image': { type: 'boolean' },
    ep: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
  });
  if (!flags.model || !flags.image || flags.prompt === undefined || !flags.out) throw new UsageError('--model, --image, --prompt and --out are required');
  if (flags.prompt.trim() === '') throw new UsageError('--prompt must not be empty');
  if (flags.answer !== undefined && flags.answer.trim() === '') throw new UsageError('--answer must not be empty');
  let layers: number[] | undefined;
  let providers;
  try {
    layers = flags.layers === undefined ? undefined : parseLayerSpec(flags.layers);
    providers = flags.ep === undefined ? undefined : parseProviders(flags.ep);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const sampling = samplingOf(flags.temperature, flags['top-p'], flags.seed);
  const instead = flags.instead === undefined ? undefined : parseInstead(flags.instead);
  if (instead && flags.answer === undefined) throw new UsageError('--instead needs --answer (the answer whose position it replaces)');
  const engine = new Engine();
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const outcome = await engine.explain(
      {
        model: flags.model,
        imagePath: resolve(flags.image),
        prompt: flags.prompt,
        ...(flags.answer !== undefined ? { answer: flags.answer } : {}),
        ...(instead ? { counterfactual: instead } : {}),
        ...(sampling ? { sampling } : {}),
        maxNewTokens: (positiveInt('max-new-tokens', flags['max-new-tokens']) ?? 32),
        settings: {
          ...(layers ? { layers } : {}),
          topK: (positiveInt('top-k', flags['top-k']) ?? 1),
          ...(flags['single-final-norm'] ? { normTwiceLast: false } : {}),
          ...(flags['keep-column-after-image'] ? { dropColumnAfterImage: false } : {}),
        },
        ...(providers ? { providers } : {}),
        threads: flags.threads === undefined ? 0 : (positiveInt('threads', flags.threads) ?? 0),
      },
      (p) => {
        if (p.phase === 'token') process.stderr.write(`token ${p.event.token.index}: ${JSON.stringify(p.event.token.text)} δ=${p.event.delta.toFixed(4)}\n`);
      },
      controller.signal,
    );
    for (const n of outcome.notices) process.stderr.write(`notice: execution provider ${n.requested} unavailable, using CPU (${n.reason})\n`);
    const out = resolve(flags.out);
    await mkdir(out, { recursive: true });
    const { explanation: ex, preprocessed, image } = outcome;
    const doc = resultDocument(
      ex,
      outcome.bundle,
      { image: { path: resolve(flags.image), width: image.width, height: image.height }, prompt: flags.prompt, answer: flags.answer ?? null },
      outcome.timings,
      {
        appVersion: APP_VERSION,
        providers: outcome.providers,
        providerNotices: outcome.notices,
        generation: outcome.generation ? { maxNewTokens: (positiveInt('max-new-tokens', flags['max-new-tokens']) ?? 32), sampling: sampling ?? 'greedy', stopReason: outcome.generation.stopReason } : null,
        createdAt: new Date().toISOString(),
      },
    );
    await writeFile(join(out, 'result.json'), `${JSON.stringify(doc, null, 1)}\n`);
    await writeOverlayPng(image, ex.maps.sentenceMap, ex.grid, preprocessed.transform, join(out, 'sentence.png'));
    const digits = String(ex.tokens.length).length;
    const files: string[] = [];
    for (const t of ex.tokens) {
      const file = `token-${String(t.index).padStart(digits, '0')}.png`;
      await writeOverlayPng(image, ex.maps.tokenMaps[t.index] ?? [], ex.grid, preprocessed.transform, join(out, file));
      // Each token's map is scaled to its own range, so δ says which files show visual evidence.
      files.push(`  ${file}  ${JSON.stringify(t.text)}  ${deltaLabel(t.delta)}${t.grounded ? ', grounded' : ''}\n`);
    }
    process.stdout.write(`${ex.tokens.length} tokens (${JSON.stringify(ex.text)}); ${ex.tokens.filter((t) => t.grounded).length} grounded; written to ${out}\n${files.join('')}`);
  } finally {
    process.off('SIGINT', onSigint);
    await engine.close();
  }
}

function samplingOf(temperature: string | undefined, topP: string | undefined, seed: string | undefined): SamplingOptions | undefined {
  if (temperature === undefined) {
    if (topP !== undefined || seed !== undefined) throw new UsageError('--top-p and --seed need --temperature (sampling)');
    return undefined;
  }
  const options = { strategy: 'sample' as const, temperature: Number(temperature), topP: Number(topP ?? 1), seed: Number(seed ?? 0) };
  if (!(options.temperature > 0) || !(options.topP > 0 && options.topP <= 1) || !Number.isInteger(options.seed)) {
    throw new UsageError(`sampling: expected --temperature > 0, --top-p in (0, 1] and an integer --seed, got ${temperature}, ${topP ?? 1}, ${seed ?? 0}`);
  }
  return options;
}

function parseInstead(raw: string): { position: number; alternativeId: number } {
  const m = /^(\d+):(\d+)$/.exec(raw.trim());
  if (!m) throw new UsageError(`--instead expects POS:ID (answer position and token id), got ${JSON.stringify(raw)}`);
  return { position: Number(m[1]), alternativeId: Number(m[2]) };
}
