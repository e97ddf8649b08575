/**
 * The workstation's top-level state: what the host told us, the open project, and notices.
 * Components read it through `getAppContext()` and never call the API directly.
 */
import { getContext } from 'svelte';
import type { AppInfo, DexarApi, Notice, ProjectSummary } from '../../../shared/api/contract';

const CONTEXT_KEY = Symbol('workstation');

export type LoadStatus = 'loading' | 'ready' | 'error';

export class WorkstationState {
  readonly api: DexarApi;
  #status = $state<LoadStatus>('loading');
  #error = $state<string | undefined>(undefined);
  #info = $state.raw<AppInfo | undefined>(undefined);
  #project = $state.raw<ProjectSummary | undefined>(undefined);
  #notices = $state.raw<readonly Notice[]>([]);

  constructor(api: DexarApi) {
    this.api = api;
    api.on('onDidChangeProject', (project) => (this.#project = project));
    api.on('onDidNotify', (notice) => (this.#notices = [...this.#notices, notice].slice(-5)));
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
      this.#status = 'ready';
    } catch (err) {
      this.#error = err instanceof Error ? err.message : String(err);
      this.#status = 'error';
    }
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
