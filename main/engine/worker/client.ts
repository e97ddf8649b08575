/**
 * Host side of the engine worker: requests go to one worker thread; progress comes back as events.
 * Cancellation asks the worker to stop (it does at the next decoder step); if it has not answered
 * within `cancelGraceMs` (a long prefill on a large model), the thread is terminated so the
 * cancel always takes effect within ~200 ms, and the next request starts a fresh worker.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { unwrapEnvelope } from '../../../shared/api/envelope';
import { unpackedPath } from '../../app/build-paths';
import { CancelledError, type ExplainRequest } from '../engine';
import type { FromWorker, ToWorker, WorkerOutcome, WorkerProgress } from './protocol';

/** build/main/engine-worker.mjs beside the running bundle (cli.mjs or electron.cjs), unpacked in a package. */
export function defaultWorkerScript(): string {
  return unpackedPath(join(dirname(fileURLToPath(import.meta.url)), 'engine-worker.mjs'));
}

export interface RunningRequest {
  readonly result: Promise<WorkerOutcome>;
  /** Resolves once the request has stopped (cooperatively or by terminating the worker). */
  cancel(): Promise<void>;
}

interface Pending {
  resolve(value: WorkerOutcome): void;
  reject(err: unknown): void;
  onProgress?: (p: WorkerProgress) => void;
}

export class EngineWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly script: string = defaultWorkerScript(),
    private readonly cancelGraceMs = 150,
  ) {}

  explain(request: ExplainRequest, onProgress?: (p: WorkerProgress) => void): RunningRequest {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const result = new Promise<WorkerOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
    });
    this.send(worker, { type: 'explain', id, request });
    return {
      result,
      cancel: async () => {
        if (!this.pending.has(id)) return;
        this.send(worker, { type: 'cancel', id });
        const settled = result.then(
          () => true,
          () => true,
        );
        const inTime = await Promise.race([settled, new Promise<false>((r) => setTimeout(() => r(false), this.cancelGraceMs))]);
        if (!inTime && this.worker === worker) await this.terminate(new CancelledError());
      },
    };
  }

  /** Stops the worker; pending requests fail with `reason`. */
  async terminate(reason: unknown = new Error('engine worker: closed')): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
    await worker?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (message: FromWorker) => {
      const p = this.pending.get(message.id);
      if (p === undefined) return;
      if (message.type === 'progress') p.onProgress?.(message.progress);
      else {
        this.pending.delete(message.id);
        try {
          p.resolve(unwrapEnvelope<WorkerOutcome>('explain', message.envelope));
        } catch (err) {
          p.reject(err);
        }
      }
    });
    worker.on('error', (err) => {
      if (this.worker === worker) void this.terminate(err);
    });
    worker.on('exit', () => {
      if (this.worker === worker) void this.terminate(new Error('engine worker: exited unexpectedly'));
    });
    this.worker = worker;
    return worker;
  }

  private send(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }
}
