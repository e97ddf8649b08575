/**
 * The workstation's top-level state: what the host told us, the open project, and notices.
 * Components read it through `getAppContext()` and never call the API directly.
 */
import { getContext } from 'svelte';
import type { AppInfo, DexarApi, Notice } from '../../../shared/api/contract';
import type { ProjectSummary } from '../../../shared/api/library';
import { LibraryState } from './library.svelte';

const CONTEXT_KEY = Symbol('workstation');

export type LoadStatus = 'loading' | 'ready' | 'error';

export class WorkstationState {
  readonly api: DexarApi;
  readonly library: LibraryState;
  #status = $state<LoadStatus>('loading');
  #error = $state<string | undefined>(undefined);
  #info = $state.raw<AppInfo | undefined>(undefined);
  #project = $state.raw<ProjectSummary | undefined>(undefined);
  #notices = $state.raw<readonly Notice[]>([]);

  constructor(api: DexarApi) {
    this.api = api;
    this.library = new LibraryState(api);
    api.on('onDidChangeProject', (project) => {
      const switched = project.path !== this.#project?.path;
      this.#project = project;
      if (switched) {
        this.library.select(undefined);
        void this.library.reload();
      }
    });
    api.on('onDidNotify', (notice) => this.notify(notice));
  }

  get status() {
    return this.#status;
  }
  get error() {
    return this.#error;
  }
  get info() {
    return this.#info;
  }
  get project() {
    return this.#project;
  }
  get notices() {
    return this.#notices;
  }

  async load(): Promise<void> {
    try {
      const [info, project] = await Promise.all([
        this.api.invoke('app.getInfo', {}),
        this.api.invoke('project.getCurrent', {}),
      ]);
      this.#info = info;
      this.#project = project;
      await this.library.reload();
      this.#status = 'ready';
    } catch (err) {
      this.#error = err instanceof Error ? err.message : String(err);
      this.#status = 'error';
    }
  }

  async openProject(path: string): Promise<void> {
    await this.#guard(() => this.api.invoke('project.open', { path }));
  }

  async createProject(path: string): Promise<void> {
    await this.#guard(() => this.api.invoke('project.create', { path }));
  }

  /** Failures of user actions become a visible notice instead of an unhandled rejection. */
  async #guard(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (err) {
      this.notify({ level: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  notify(notice: Notice): void {
    this.#notices = [...this.#notices, notice].slice(-5);
  }

  dismissNotice(notice: Notice): void {
    this.#notices = this.#notices.filter((n) => n !== notice);
  }
}

export function setAppContext(context: Map<unknown, unknown>, state: WorkstationState): Map<unknown, unknown> {
  context.set(CONTEXT_KEY, state);
  return context;
}

export function getAppContext(): WorkstationState {
  const state = getContext<WorkstationState | undefined>(CONTEXT_KEY);
  if (!state) throw new Error('WorkstationState missing from context');
  return state;
}
