/**
 * Runs side by side: up to four runs (different models, prompts, settings or methods), each with
 * its own map selection, one shared viewport and one colour scale. Images are loaded once per
 * image hash.
 */
import type { DexarApi } from '../../../shared/api/contract';
import type { MapSelection, RunView } from '../../../shared/api/runs';
import type { MapMethod } from './run-maps';

export const MAX_COMPARE = 4;
export type CompareMode = 'side' | 'swipe' | 'difference';

export interface ComparePane {
  run: RunView;
  image: HTMLImageElement;
  method: MapMethod;
  selection: MapSelection;
}

export class CompareState {
  readonly #api: DexarApi;
  #panes = $state.raw<readonly ComparePane[]>([]);
  #mode = $state<CompareMode>('side');
  #swipe = $state(0.5);
  readonly #images = new Map<string, Promise<HTMLImageElement>>();

  constructor(api: DexarApi) {
    this.#api = api;
  }

  get panes() {
    return this.#panes;
  }
  get mode() {
    return this.#mode;
  }
  get swipe() {
    return this.#swipe;
  }
  get runIds(): number[] {
    return this.#panes.map((pane) => pane.run.id);
  }
  /** Swipe and difference overlay two runs pixel for pixel: only for runs on the same image. */
  get canOverlay(): boolean {
    const [a, b] = this.#panes;
    return a !== undefined && b !== undefined && a.run.imageSha === b.run.imageSha;
  }

  has(runId: number): boolean {
    return this.#panes.some((pane) => pane.run.id === runId);
  }

  async toggle(runId: number): Promise<void> {
    if (this.has(runId)) {
      this.#panes = this.#panes.filter((pane) => pane.run.id !== runId);
      return;
    }
    if (this.#panes.length >= MAX_COMPARE) throw new Error(`compare holds at most ${MAX_COMPARE} runs; remove one first`);
    const run = await this.#api.invoke('runs.get', { runId });
    const image = await this.#image(run.imageSha);
    this.#panes = [...this.#panes, { run, image, method: 'dexar', selection: { kind: 'sentence' } }];
  }

  update(runId: number, patch: Partial<Pick<ComparePane, 'method' | 'selection'>>): void {
    this.#panes = this.#panes.map((pane) => (pane.run.id === runId ? { ...pane, ...patch } : pane));
  }

  setMode(mode: CompareMode): void {
    this.#mode = mode === 'side' || this.canOverlay ? mode : 'side';
  }

  setSwipe(fraction: number): void {
    this.#swipe = Math.min(1, Math.max(0, fraction));
  }

  clear(): void {
    this.#panes = [];
    this.#mode = 'side';
  }

  #image(sha256: string): Promise<HTMLImageElement> {
    let loading = this.#images.get(sha256);
    if (!loading) {
      loading = this.#api.invoke('images.get', { sha256 }).then(async ({ dataUrl }) => {
        const element = new Image();
        element.src = dataUrl;
        await element.decode();
        return element;
      });
      this.#images.set(sha256, loading);
    }
    return loading;
  }
}
