/**
 * The run view's state: the open image, the run shown on it (stored, or streaming in), which map
 * is selected, and the job in flight. Maps arrive as grids; the canvas lays the selected one
 * onto the image's own pixels through the model's preprocessing geometry (DESIGN §3 "Display").
 */
import type { DexarApi } from '../../../shared/api/contract';
import type { ImageSummary } from '../../../shared/api/library';
import type { DisplayGeometry, MapSelection, ModelSummary, RunSettings, RunSummary, RunToken, RunView, StartRun } from '../../../shared/api/runs';
import { runGridMap, type GridMap, type MapMethod } from './run-maps';

export type { MapMethod } from './run-maps';

export interface JobState {
  jobId: string;
  phase: string;
  tokens: RunToken[];
  maps: number[][];
  grid: readonly [number, number] | undefined;
}

export class RunViewState {
  readonly #api: DexarApi;
  #image = $state.raw<HTMLImageElement | undefined>(undefined);
  #imageSummary = $state.raw<ImageSummary | undefined>(undefined);
  #run = $state.raw<RunView | undefined>(undefined);
  #history = $state.raw<readonly RunSummary[]>([]);
  #selection = $state.raw<MapSelection>({ kind: 'sentence' });
  #job = $state.raw<JobState | undefined>(undefined);
  #error = $state<string | undefined>(undefined);
  #loadSeq = 0;
  /** A streaming run has no stored geometry yet: the picked model's is used. */
  #streamGeometry: DisplayGeometry | undefined;

  constructor(api: DexarApi) {
    this.#api = api;
    api.on('onDidRunProgress', (p) => {
      const job = this.#job;
      if (!job || p.jobId !== job.jobId) return;
      if (p.phase === 'token' && p.token && p.map) {
        this.#job = { ...job, phase: 'token', tokens: [...job.tokens, p.token], maps: [...job.maps, p.map], grid: p.grid ?? job.grid };
        this.#selection = { kind: 'token', index: p.token.index };
      } else this.#job = { ...job, phase: p.phase };
    });
    api.on('onDidRunFinish', (f) => {
      if (f.jobId !== this.#job?.jobId) return;
      this.#job = undefined;
      if (f.status === 'complete' && f.runId !== null) void this.openRun(f.runId);
      else if (f.status === 'failed') this.#error = f.error ?? 'the run failed';
    });
  }

  get image() {
    return this.#image;
  }
  get imageSummary() {
    return this.#imageSummary;
  }
  get run() {
    return this.#run;
  }
  get history() {
    return this.#history;
  }
  get selection() {
    return this.#selection;
  }
  get job() {
    return this.#job;
  }
  get error() {
    return this.#error;
  }
  /** Tokens on show: the streaming job's, else the run's. */
  get tokens(): readonly RunToken[] {
    return this.#job?.tokens ?? this.#run?.tokens ?? [];
  }
  /** The selected token, if a token (not the sentence) is selected and has arrived. */
  get selectedToken(): RunToken | undefined {
    return this.#selection.kind === 'token' ? this.tokens[this.#selection.index] : undefined;
  }
  /** The decoded answer of the tokens on show ('' while a job streams: its answer is not known yet). */
  get answer(): string {
    return this.#job ? '' : (this.#run?.answer ?? '');
  }

  select(selection: MapSelection): void {
    this.#selection = selection;
  }

  /** Opens an image with its run history, showing its latest run (if any). */
  async openImage(sha256: string): Promise<void> {
    if (!(await this.#loadImage(sha256))) return;
    await this.#loadHistory(sha256);
    const latest = this.#history[0];
    this.#show(latest ? await this.#api.invoke('runs.get', { runId: latest.id }) : undefined);
  }

  /** Shows a run, switching to its image first when another one is open. */
  async openRun(runId: number): Promise<void> {
    const run = await this.#api.invoke('runs.get', { runId });
    if (run.imageSha !== this.#imageSummary?.sha256 && !(await this.#loadImage(run.imageSha))) return;
    // Reloaded even for the same image: a run that just finished joins its history.
    await this.#loadHistory(run.imageSha);
    this.#show(run);
  }

  /** Decodes the image; false when a later open overtook this one. */
  async #loadImage(sha256: string): Promise<boolean> {
    const seq = ++this.#loadSeq;
    const { image, dataUrl } = await this.#api.invoke('images.get', { sha256 });
    const element = new Image();
    element.src = dataUrl;
    await element.decode();
    if (seq !== this.#loadSeq) return false;
    this.#image = element;
    this.#imageSummary = image;
    this.#error = undefined;
    return true;
  }

  async #loadHistory(sha256: string): Promise<void> {
    this.#history = await this.#api.invoke('runs.listForImage', { imageSha: sha256 });
  }

  #show(run: RunView | undefined): void {
    this.#run = run;
    this.#selection = { kind: 'sentence' };
  }

  async start(request: Omit<StartRun, 'imageSha'>, geometry: DisplayGeometry): Promise<void> {
    const image = this.#imageSummary;
    if (!image) return;
    this.#error = undefined;
    this.#streamGeometry = geometry;
    try {
      const { jobId, runId } = await this.#api.invoke('runs.start', { ...request, imageSha: image.sha256 });
      if (runId === null) this.#job = { jobId, phase: 'queued', tokens: [], maps: [], grid: undefined };
    } catch (err) {
      this.#error = err instanceof Error ? err.message : String(err);
    }
  }

  async cancel(): Promise<void> {
    const job = this.#job;
    if (job) await this.#api.invoke('runs.cancel', { jobId: job.jobId });
  }

  /** "Explain this instead": the same answer with token `position` replaced by an alternative. */
  async explainAlternative(position: number, alternativeId: number, model: ModelSummary, settings: Partial<RunSettings>): Promise<void> {
    const run = this.#run;
    if (!run) return;
    await this.start({ prompt: run.promptText, model: model.ref, settings, answer: run.answer, counterfactual: { position, alternativeId } }, model.geometry);
  }

  /** The grid values of the selected map for a method, or undefined when the run lacks it. */
  gridValues(method: MapMethod): GridMap | undefined {
    const selection = this.#selection;
    const job = this.#job;
    if (job && method === 'dexar' && selection.kind === 'token' && job.grid) {
      const map = job.maps[selection.index];
      return map ? { values: map, gh: job.grid[0], gw: job.grid[1] } : undefined;
    }
    const run = this.#run;
    if (!run || job) return undefined;
    return runGridMap(run, method, selection);
  }

  /** The preprocessing geometry maps are laid onto the image through: the streaming model's, else the run's. */
  get displayGeometry(): DisplayGeometry | undefined {
    return this.#job ? this.#streamGeometry : this.#run?.geometry;
  }
}
