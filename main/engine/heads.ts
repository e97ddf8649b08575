/**
 * Explain-head calls (DESIGN §3, layer-local identity): what one explained target needs from the
 * decoder step that computed its query row, the G rows of a batch of targets from one call, and
 * the online queue that keeps one call in flight while generation goes on.
 */
import type { TokenRows } from '../../shared/dexar/evidence';
import type { KvCache } from './generation/kv-cache';
import type { StepOutput, VlmModel } from './model';

/** One target of an explain-head call, detached from its decoder step (which can then be dropped). */
export interface HeadTarget {
  /** The explained token id. */
  readonly id: number;
  /** q_t: the absolute row whose logits predict it. */
  readonly queryRow: number;
  /** (K, d): m_l at the query row, for the explained layers in order. */
  readonly m: Float32Array;
  /** (K, H, q_t + 1): attention rows at the query row (the raw-attention baseline). */
  readonly attention: Float32Array;
}

/** The target explained at explain row `row` of `step` (relative to the call), as token `id` at absolute row `queryRow`. */
export function headTarget(model: VlmModel, step: StepOutput, row: number, queryRow: number, id: number, layers: readonly number[]): HeadTarget {
  const { hidden_size: d, num_heads: heads } = model.manifest.text;
  const r = step.explainRows.length;
  const width = step.cache.length;
  const w = queryRow + 1;
  const m = new Float32Array(layers.length * d);
  const attention = new Float32Array(layers.length * heads * w);
  layers.forEach((layer, ki) => {
    m.set(step.explainM.subarray((layer * r + row) * d, (layer * r + row + 1) * d), ki * d);
    for (let h = 0; h < heads; h++) {
      const off = ((layer * heads + h) * r + row) * width;
      attention.set(step.explainAttn.subarray(off, off + w), (ki * heads + h) * w);
    }
  });
  return { id, queryRow, m, attention };
}

export interface HeadRows {
  /** Per target, in order: G rows (K × H × (q_t + 1)) and attention rows. */
  readonly rows: TokenRows[];
  /** (T, K) logit-lens scores s_{l,t}. */
  readonly lensScores: Float32Array;
}

/**
 * One explain-head call for `targets`. `cache` may be longer than a target needs (a later step's):
 * G columns past q_t are never read, and the values before them do not change as the cache grows.
 */
export async function gradientRows(model: VlmModel, targets: readonly HeadTarget[], cache: KvCache, layers: readonly number[], normTwiceLast: boolean): Promise<HeadRows> {
  const { hidden_size: d, num_heads: heads } = model.manifest.text;
  const k = layers.length;
  const t = targets.length;
  const width = cache.length;
  const m = new Float32Array(k * t * d);
  targets.forEach((target, ti) => {
    if (target.queryRow >= width) throw new RangeError(`explain head: expected query rows below the cache length ${width}, found ${target.queryRow}`);
    for (let ki = 0; ki < k; ki++) m.set(target.m.subarray(ki * d, (ki + 1) * d), (ki * t + ti) * d);
  });
  const head = await model.explainHead(m, layers, targets.map((x) => x.id), cache, normTwiceLast);
  const rows = targets.map((target, ti) => {
    const w = target.queryRow + 1;
    const gradient = new Float32Array(k * heads * w);
    for (let ki = 0; ki < k; ki++) {
      for (let h = 0; h < heads; h++) {
        const off = ((ki * t + ti) * heads + h) * width;
        gradient.set(head.gradient.subarray(off, off + w), (ki * heads + h) * w);
      }
    }
    return { queryRow: target.queryRow, gradient, attention: target.attention };
  });
  // lens_scores come as (K, T); keep them per token (T, K).
  const lensScores = new Float32Array(t * k);
  for (let ki = 0; ki < k; ki++) for (let ti = 0; ti < t; ti++) lensScores[ti * k + ki] = head.lensScores[ki * t + ti] as number;
  return { rows, lensScores };
}

/**
 * Online explanation's explain heads: one call in flight at a time; targets that arrive while it
 * runs go together in the next call, with the newest cache. Generation never waits for a head,
 * and when heads fall behind (a slow provider) calls grow instead of queueing up. `deliver` gets
 * every target's rows exactly once, in arrival order.
 *
 * With `holdMs` > 0 an idle head waits for more targets while the next push is expected (from the
 * last interval between pushes) to come before the oldest waiting one has waited holdMs. There is
 * no timer, so a step slower than the last one can hold a target longer; that is the aim, not a
 * bound. A head call costs about as much for a few targets as for one, so on a small model whose
 * decoder steps take a millisecond or two, fewer, larger calls leave more of the machine to the
 * decoder; a model whose steps take longer than holdMs gets a call per token as before.
 */
export class HeadQueue<T> {
  private readonly waiting: { target: HeadTarget; tag: T }[] = [];
  private cache: KvCache | null = null;
  private running: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;
  private flushing = false;
  /** When the oldest waiting target and the latest one arrived (ms, `now`'s clock). */
  private oldestAt = 0;
  private latestAt: number | null = null;
  /** Expected time until the next push: the latest interval between pushes (unknown before the second). */
  private interval = Infinity;

  constructor(
    private readonly call: (targets: readonly HeadTarget[], cache: KvCache) => Promise<HeadRows>,
    private readonly deliver: (tag: T, rows: TokenRows, lensScores: Float32Array) => Promise<void> | void,
    private readonly holdMs = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(holdMs >= 0)) throw new RangeError(`head queue: expected a hold time ≥ 0 ms, found ${holdMs}`);
  }

  /** Queues a target whose query row is in `cache`; throws an earlier call's error instead. */
  push(target: HeadTarget, cache: KvCache, tag: T): void {
    if (this.failure !== null) throw this.failure.error;
    const at = this.now();
    if (this.latestAt !== null) this.interval = at - this.latestAt;
    if (this.waiting.length === 0) this.oldestAt = at;
    this.latestAt = at;
    this.waiting.push({ target, tag });
    this.cache = cache;
    this.start();
  }

  /** Sends what still waits, whatever its size; resolves once every pushed target was delivered, rejects with the first error. */
  async flush(): Promise<void> {
    this.flushing = true;
    try {
      this.start();
      while (this.running !== null) await this.running;
    } finally {
      this.flushing = false;
    }
    if (this.failure !== null) throw this.failure.error;
  }

  /** A drain, unless one runs, nothing is ready, or a call failed (nothing is sent after a failure). */
  private start(): void {
    if (this.running === null && this.failure === null && this.ready()) this.running = this.drain();
  }

  /** Targets wait and no more are expected soon enough: the next push would take the oldest past holdMs. */
  private ready(): boolean {
    if (this.cache === null || this.waiting.length === 0) return false;
    return this.flushing || this.now() - this.oldestAt + this.interval >= this.holdMs;
  }

  private async drain(): Promise<void> {
    try {
      let next = this.take();
      while (next !== null) {
        const out = await next.call;
        const { batch } = next;
        // Start the following call before delivering, so the head never idles on the consumer.
        next = this.take();
        const k = out.lensScores.length / batch.length;
        for (const [i, b] of batch.entries()) await this.deliver(b.tag, out.rows[i] as TokenRows, out.lensScores.subarray(i * k, (i + 1) * k));
        next ??= this.take();
      }
    } catch (error) {
      this.failure ??= { error };
    } finally {
      this.running = null;
    }
  }

  private take(): { batch: { target: HeadTarget; tag: T }[]; call: Promise<HeadRows> } | null {
    if (!this.ready()) return null;
    const batch = this.waiting.splice(0);
    const call = this.call(batch.map((b) => b.target), this.cache as KvCache);
    // Awaited in drain; this only keeps Node from calling it unhandled while deliveries run.
    call.catch(() => undefined);
    return { batch, call };
  }
}
