/**
 * The engine's one entry point for hosts (CLI, worker thread): resolve a model, keep its sessions
 * warm across requests, and run an explanation in any of the three modes with progress events and
 * cancellation. No Electron here (DESIGN §1): the app reaches it through the worker.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DexarError } from '../../shared/api/envelope';
import type { DexarSettings } from '../../shared/dexar/settings';
import { bundlesDir } from '../app/build-paths';
import { loadBundle, type LoadedBundle } from './bundle';
import { explainAlternative, explainAnswer, explainGeneration, explainSettings, type Explanation, type ExplainedTokenEvent } from './explain';
import type { GenerationResult } from './generation/generate';
import type { SamplingOptions } from './generation/sampler';
import { bundledGraphWorker } from './graph-thread/client';
import type { RgbImage } from './image/resample';
import { VlmModel } from './model';
import type { ProviderName, ProviderNotice } from './onnx';
import { decodeRgb, preprocessRgb, type PreprocessedImage } from './preprocess';
import { SessionCache } from './sessions';

export interface ExplainRequest {
  /** A bundle folder, or the name of a built-in bundle (models/bundles/<name>). */
  readonly model: string;
  /** The image as a file, or (`imageBytes`) as encoded bytes, e.g. from a project file. */
  readonly imagePath?: string;
  readonly imageBytes?: Uint8Array;
  readonly prompt: string;
  /** Teacher forcing: explain this answer instead of generating one. */
  readonly answer?: string;
  /** Counterfactual: with `answer`, explain `alternativeId` at `position` instead. */
  readonly counterfactual?: { readonly position: number; readonly alternativeId: number };
  readonly maxNewTokens?: number;
  readonly stopTokens?: readonly number[];
  readonly sampling?: SamplingOptions;
  readonly settings?: Partial<DexarSettings>;
  readonly providers?: readonly ProviderName[];
  /** onnxruntime intra-op threads (0 = its default). */
  readonly threads?: number;
}

export type EngineProgress =
  | { readonly phase: 'load' | 'preprocess' | 'explain' | 'done' }
  | { readonly phase: 'token'; readonly event: ExplainedTokenEvent };

export interface ExplainOutcome {
  readonly bundle: LoadedBundle;
  readonly explanation: Explanation;
  readonly generation: GenerationResult | null;
  readonly image: RgbImage;
  readonly preprocessed: PreprocessedImage;
  readonly providers: Record<string, ProviderName>;
  readonly notices: readonly ProviderNotice[];
  /** Seconds per phase. */
  readonly timings: Record<string, number>;
}

export class CancelledError extends DexarError {
  constructor() {
    super('cancelled', 'explain: cancelled by the user', 'CancelledError');
  }
}

/** A bundle folder as given, else a built-in bundle by name. */
export function resolveModel(ref: string, builtins = bundlesDir()): string {
  if (existsSync(join(ref, 'manifest.json')) || (existsSync(ref) && statSync(ref).isDirectory())) return resolve(ref);
  const named = join(builtins, ref);
  if (/^[A-Za-z0-9._-]+$/.test(ref) && existsSync(named)) return named;
  const known = existsSync(builtins) ? readdirSync(builtins).filter((n) => existsSync(join(builtins, n, 'manifest.json'))) : [];
  throw new DexarError('not-found', `model ${ref}: expected a bundle folder or a built-in name (${known.join(', ') || 'none installed'}), found neither`, 'ModelNotFoundError');
}

export interface EngineOptions {
  /**
   * The built graph-thread script (build/main/graph-worker.mjs): with it the explain head runs on
   * a thread of its own, overlapping the decoder (online explanation). Default: the one beside
   * the running bundle, none when running from sources.
   */
  readonly graphWorker?: string | null;
}

export class Engine {
  private readonly sessions: SessionCache;
  private current: { path: string; model: VlmModel } | null = null;

  constructor(options: EngineOptions = {}) {
    const script = options.graphWorker === undefined ? bundledGraphWorker() : options.graphWorker;
    this.sessions = new SessionCache(script === null ? null : { script, roles: ['explain'] });
  }

  async open(ref: string, providers?: readonly ProviderName[], threads = 0): Promise<VlmModel> {
    const path = resolveModel(ref);
    const bundle = await loadBundle(path);
    const sessions = await this.sessions.use(bundle, { ...(providers ? { providers } : {}), intraOpThreads: threads });
    if (this.current?.path !== path || this.current.model.sessions !== sessions) this.current = { path, model: await VlmModel.open(bundle, sessions) };
    return this.current.model;
  }

  async explain(request: ExplainRequest, onProgress?: (p: EngineProgress) => void, signal?: AbortSignal): Promise<ExplainOutcome> {
    if (request.prompt.trim().length === 0) throw new DexarError('validation', 'explain: expected a non-empty prompt, found an empty one', 'ValidationError');
    const clock = new Clock();
    const check = () => {
      if (signal?.aborted) throw new CancelledError();
    };
    onProgress?.({ phase: 'load' });
    const model = await this.open(request.model, request.providers, request.threads ?? 0);
    const { providers, notices } = await model.sessions.warm();
    clock.lap('load_seconds');
    check();
    onProgress?.({ phase: 'preprocess' });
    if ((request.imagePath === undefined) === (request.imageBytes === undefined)) {
      throw new DexarError('validation', 'explain: expected exactly one of an image path or image bytes', 'ValidationError');
    }
    const image = await decodeRgb(request.imageBytes ? Buffer.from(request.imageBytes) : (request.imagePath as string));
    const preprocessed = preprocessRgb(image, model.manifest.preprocessing);
    clock.lap('preprocess_seconds');
    check();
    const settings = explainSettings(model, request.settings);
    let explanation: Explanation;
    let generation: GenerationResult | null = null;
    onProgress?.({ phase: 'explain' });
    if (request.answer !== undefined) {
      const answerIds = model.answerIds(request.answer);
      if (answerIds.length === 0) throw new DexarError('validation', 'explain: expected an answer with at least one token, found none', 'ValidationError');
      explanation = request.counterfactual
        ? await explainAlternative(model, request.prompt, preprocessed, answerIds, request.counterfactual.position, request.counterfactual.alternativeId, settings)
        : await explainAnswer(model, request.prompt, preprocessed, answerIds, settings);
      clock.lap('explain_seconds');
    } else {
      const out = await explainGeneration(
        model,
        request.prompt,
        preprocessed,
        {
          maxNewTokens: request.maxNewTokens ?? 32,
          ...(request.stopTokens ? { stopTokens: request.stopTokens } : {}),
          ...(request.sampling ? { sampling: request.sampling } : {}),
          ...(signal ? { signal } : {}),
        },
        settings,
        (event) => onProgress?.({ phase: 'token', event }),
      ).catch((err: unknown) => {
        // Cancelled before the first token: nothing to explain, and that is the user's doing.
        check();
        throw err;
      });
      ({ explanation, generation } = out);
      clock.lap('generate_and_explain_seconds');
      if (generation.stopReason === 'cancelled') throw new CancelledError();
    }
    onProgress?.({ phase: 'done' });
    return { bundle: model.bundle, explanation, generation, image, preprocessed, providers, notices, timings: clock.laps };
  }

  async close(): Promise<void> {
    this.current = null;
    await this.sessions.release();
  }
}

class Clock {
  readonly laps: Record<string, number> = {};
  private last = performance.now();

  lap(name: string): void {
    const now = performance.now();
    this.laps[name] = Number(((now - this.last) / 1000).toFixed(4));
    this.last = now;
  }
}
