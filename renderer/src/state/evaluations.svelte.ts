/**
 * The Evaluations view: the project's stored evaluation runs (`dexar eval --project`), the one
 * selected and the group (overall or a template/category) its table and chart show.
 */
import type { DexarApi } from '../../../shared/api/contract';
import type { EvalRun, GroupSummary } from '../../../shared/api/evaluation';
import { groupKeys, groupSummary, keepSelection, OVERALL } from '../eval-table';

export class EvaluationsState {
  readonly #api: DexarApi;
  #runs = $state.raw<readonly EvalRun[]>([]);
  #selectedId = $state<number | undefined>(undefined);
  #group = $state(OVERALL);
  #loaded = $state(false);
  #error = $state<string | undefined>(undefined);
  /** Drops the answer of a reload that a newer one (e.g. after a project switch) overtook. */
  #seq = 0;

  #selected = $derived<EvalRun | undefined>(this.#runs.find((r) => r.id === this.#selectedId));
  #groups = $derived<readonly string[]>(this.#selected ? groupKeys(this.#selected) : []);
  /** The chosen group when the selected run has it, else overall. */
  #shownGroup = $derived(this.#selected && this.#group in this.#selected.groups ? this.#group : OVERALL);
  #summary = $derived<GroupSummary | undefined>(this.#selected && groupSummary(this.#selected, this.#shownGroup));

  constructor(api: DexarApi) {
    this.#api = api;
  }

  get runs() {
    return this.#runs;
  }
  get selectedId() {
    return this.#selectedId;
  }
  get selected() {
    return this.#selected;
  }
  /** `overall`, then the selected run's template/category groups. */
  get groups() {
    return this.#groups;
  }
  /** The shown group key: `overall` or one of the selected run's groups (others fall back). */
  get group() {
    return this.#shownGroup;
  }
  /** The selected run's summary for the shown group. */
  get summary() {
    return this.#summary;
  }
  /** False until the first list arrived: the view shows "loading", not the empty state. */
  get loaded() {
    return this.#loaded;
  }
  get error() {
    return this.#error;
  }

  async reload(): Promise<void> {
    const seq = ++this.#seq;
    try {
      const runs = await this.#api.invoke('evaluations.list', {});
      if (seq !== this.#seq) return;
      this.#runs = runs;
      this.#selectedId = keepSelection(runs, this.#selectedId);
      this.#error = undefined;
    } catch (err) {
      if (seq !== this.#seq) return;
      this.#error = err instanceof Error ? err.message : String(err);
    } finally {
      if (seq === this.#seq) this.#loaded = true;
    }
  }

  select(id: number): void {
    this.#selectedId = id;
  }

  setGroup(key: string): void {
    this.#group = key;
  }
}
