/**
 * Runs from the UI: look for a cached run first (same image, prompt, model and settings), else
 * generate and explain in the engine worker with tokens streamed as events, then save the run in
 * one transaction. Jobs can be cancelled; a cancelled or failed job saves nothing.
 */
import { randomUUID } from 'node:crypto';
import { DexarError } from '../../shared/api/envelope';
import type { HeadMaps, RunFinish, RunProgress, RunSettings, RunSummary, RunView, StartRun } from '../../shared/api/runs';
import { parseLayerSpec } from '../../shared/dexar/settings';
import type { EventBus } from '../api/events';
import { resolveModel } from '../engine/engine';
import { EngineWorker, type RunningRequest } from '../engine/worker/client';
import type { WorkerProgress } from '../engine/worker/protocol';
import { readModelSummary } from './models';
import { runHeatmaps, runTokens } from './run-record';
import type { Workspace } from './workspace';

type StartInput = Omit<StartRun, 'settings'> & { settings: RunSettings };

/** The part of a request that decides its result: the cache key besides image, prompt and model. */
function cacheSettings(input: StartInput): Record<string, unknown> {
  const { providers: _providers, ...settings } = input.settings;
  return { ...settings, layers: settings.layers?.trim() ? parseLayerSpec(settings.layers) : null, answer: input.answer ?? null, counterfactual: input.counterfactual ?? null };
}

export class RunService {
  readonly #workspace: Workspace;
  readonly #events: EventBus;
  readonly #worker: EngineWorker;
  readonly #jobs = new Map<string, RunningRequest>();

  constructor(workspace: Workspace, events: EventBus, worker = new EngineWorker()) {
    this.#workspace = workspace;
    this.#events = events;
    this.#worker = worker;
  }

  async start(input: StartInput): Promise<{ jobId: string; runId: number | null }> {
    const project = await this.#workspace.project();
    const bytes = project.getImageBytes(input.imageSha);
    if (!bytes) throw new DexarError('not-found', `image ${input.imageSha.slice(0, 12)}… is not in this project`, 'NotFound');
    if (input.counterfactual && input.answer === undefined) {
      throw new DexarError('validation', 'a counterfactual needs the answer it changes', 'ValidationError');
    }
    const folder = resolveModel(input.model);
    const model = await readModelSummary(input.model, folder);
    const settings = cacheSettings(input);
    const jobId = randomUUID();

    const cached = project.findCachedRun(input.imageSha, input.prompt, model.manifestSha256, settings);
    if (cached) {
      this.#finish({ jobId, status: 'complete', runId: cached.id, cached: true });
      return { jobId, runId: cached.id };
    }

    const running = this.#worker.explain(
      {
        model: folder,
        imageBytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        prompt: input.prompt,
        ...(input.answer !== undefined ? { answer: input.answer } : {}),
        ...(input.counterfactual ? { counterfactual: input.counterfactual } : {}),
        maxNewTokens: input.settings.maxNewTokens,
        sampling: input.settings.sampling,
        settings: {
          ...(settings.layers ? { layers: settings.layers as number[] } : {}),
          topK: input.settings.topK,
          ...(input.settings.normTwiceLast !== undefined ? { normTwiceLast: input.settings.normTwiceLast } : {}),
          ...(input.settings.dropColumnAfterImage !== undefined ? { dropColumnAfterImage: input.settings.dropColumnAfterImage } : {}),
        },
        providers: input.settings.providers,
      },
      (progress) => this.#progress(jobId, progress),
    );
    this.#jobs.set(jobId, running);
    this.#progress(jobId, { phase: 'load' });

    void running.result
      .then(({ explanation, document }) => {
        this.#events.emit('onDidRunProgress', { jobId, phase: 'saving' });
        project.addModel({ sha256: model.manifestSha256, name: model.name, manifest: { ...document.provenance.bundle, geometry: model.geometry } });
        const runId = project.saveRun({
          imageSha: input.imageSha,
          promptText: input.prompt,
          modelSha: model.manifestSha256,
          settings,
          provenance: document.provenance,
          timings: document.timings,
          answer: explanation.text,
          tokens: runTokens(explanation),
          heatmaps: runHeatmaps(explanation, document),
        });
        for (const notice of document.provenance.providerNotices) {
          this.#events.emit('onDidNotify', { level: 'warning', message: `${notice.requested} unavailable, ran on the CPU: ${notice.reason}` });
        }
        this.#finish({ jobId, status: 'complete', runId, cached: false });
        void this.#workspace.summary().then((summary) => this.#events.emit('onDidChangeProject', summary));
      })
      .catch((err: unknown) => {
        const cancelled = err instanceof DexarError && err.kind === 'cancelled';
        this.#finish({ jobId, status: cancelled ? 'cancelled' : 'failed', runId: null, cached: false, ...(cancelled ? {} : { error: err instanceof Error ? err.message : String(err) }) });
      })
      .finally(() => this.#jobs.delete(jobId));
    return { jobId, runId: null };
  }

  async cancel(jobId: string): Promise<void> {
    await this.#jobs.get(jobId)?.cancel();
  }

  async view(runId: number): Promise<RunView> {
    const project = await this.#workspace.project();
    const run = project.getRun(runId);
    if (!run) throw new DexarError('not-found', `run ${runId} is not in this project`, 'NotFound');
    const stored = project.getModel(run.modelSha)?.manifest as { geometry?: RunView['geometry']; path?: string } | undefined;
    const geometry = stored?.geometry ?? (await readModelSummary(run.modelName, resolveModel(stored?.path ?? run.modelName))).geometry;
    return { ...run, geometry };
  }

  /** Per-layer/head maps of one token (empty `maps` when the run kept none). */
  async heads(runId: number, tokenIndex: number): Promise<HeadMaps> {
    const map = (await this.#workspace.project()).getHeatmapWithDetails(runId, 'token', tokenIndex);
    if (!map) throw new DexarError('not-found', `run ${runId} has no token ${tokenIndex}`, 'NotFound');
    const maps = (map.details ?? []).filter((d) => d.head !== null).map((d) => ({ layer: d.layer, head: d.head as number, weight: d.weight ?? null, values: d.values }));
    const layers = [...new Set(maps.map((m) => m.layer))];
    return { tokenIndex, grid: [map.gh, map.gw], layers, heads: layers.length ? maps.length / layers.length : 0, maps };
  }

  async listForImage(imageSha: string): Promise<RunSummary[]> {
    return (await this.#workspace.project()).listRunsForImage(imageSha);
  }

  async close(): Promise<void> {
    for (const job of this.#jobs.values()) await job.cancel();
    await this.#worker.terminate();
  }

  #progress(jobId: string, progress: WorkerProgress): void {
    const event: RunProgress =
      progress.phase === 'token'
        ? {
            jobId,
            phase: 'token',
            token: {
              index: progress.index,
              id: progress.id,
              text: progress.text,
              delta: progress.delta,
              grounded: progress.delta > 0,
              prob: Math.min(1, Math.max(0, progress.prob)),
              top5: progress.top.slice(0, 5).map((alt) => ({ ...alt, prob: Math.min(1, Math.max(0, alt.prob)) })),
            },
            map: Array.from(progress.map),
          }
        : { jobId, phase: progress.phase };
    this.#events.emit('onDidRunProgress', event);
  }

  #finish(finish: RunFinish): void {
    this.#events.emit('onDidRunFinish', finish);
  }
}
