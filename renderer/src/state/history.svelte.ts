/**
 * Undo/redo over immutable snapshots: every edit replaces the value, the previous one goes on
 * the undo stack. Snapshots are small (an annotation draft), so no diffing is needed.
 */
export class History<T> {
  #value = $state.raw<T>() as T;
  #past = $state.raw<readonly T[]>([]);
  #future = $state.raw<readonly T[]>([]);
  readonly #limit: number;

  constructor(initial: T, limit = 200) {
    this.#value = initial;
    this.#limit = limit;
  }

  get value(): T {
    return this.#value;
  }
  get canUndo(): boolean {
    return this.#past.length > 0;
  }
  get canRedo(): boolean {
    return this.#future.length > 0;
  }

  set(next: T): void {
    if (Object.is(next, this.#value)) return;
    this.#past = [...this.#past, this.#value].slice(-this.#limit);
    this.#future = [];
    this.#value = next;
  }

  undo(): void {
    const previous = this.#past.at(-1);
    if (previous === undefined) return;
    this.#past = this.#past.slice(0, -1);
    this.#future = [this.#value, ...this.#future];
    this.#value = previous;
  }

  redo(): void {
    const next = this.#future[0];
    if (next === undefined) return;
    this.#future = this.#future.slice(1);
    this.#past = [...this.#past, this.#value];
    this.#value = next;
  }

  /** Starts over from a value (e.g. a saved annotation), forgetting the stacks. */
  reset(value: T): void {
    this.#value = value;
    this.#past = [];
    this.#future = [];
  }
}
