/**
 * A graph session in its own worker thread (see protocol.ts for why). Same surface as
 * GraphSession, with one difference: `run` moves its feeds' buffers to the thread (a feed whose
 * array spans its whole buffer is detached afterwards), so callers pass arrays made for the call.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { unpackedPath } from '../../app/build-paths';
import type { GraphRunner, ProviderName, ProviderNotice, SessionOptions, TensorData } from '../onnx';
import { movableBuffers, type Feeds, type FromGraphThread, type ToGraphThread } from './protocol';

/** build/main/graph-worker.mjs beside the running bundle (unpacked in a package), or null when running from sources (tests). */
export function bundledGraphWorker(): string | null {
  const path = unpackedPath(join(dirname(fileURLToPath(import.meta.url)), 'graph-worker.mjs'));
  return existsSync(path) ? path : null;
}

interface Pending {
  resolve(outputs: Record<string, TensorData>): void;
  reject(err: Error): void;
}

export class ThreadedGraphSession implements GraphRunner {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly provider: ProviderName,
    readonly notices: readonly ProviderNotice[],
  ) {
    worker.on('message', (message: FromGraphThread) => {
      if (message.type !== 'result' && message.type !== 'failed') return;
      const p = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'result') p?.resolve(message.outputs);
      else p?.reject(new Error(message.message));
    });
    const stop = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', stop);
    worker.on('exit', () => stop(new Error('graph thread: exited')));
  }

  static create(script: string, path: string, options: SessionOptions = {}): Promise<ThreadedGraphSession> {
    const worker = new Worker(script);
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        settle();
        void worker.terminate();
        reject(err);
      };
      const exited = (code: number) => fail(new Error(`graph thread: exited with code ${code} before its session opened`));
      const opened = (message: FromGraphThread) => {
        settle();
        if (message.type === 'opened') resolve(new ThreadedGraphSession(worker, message.provider, message.notices));
        else fail(new Error(message.type === 'open-failed' ? message.message : `graph thread: expected "opened", found "${message.type}"`));
      };
      const settle = () => {
        worker.off('error', fail);
        worker.off('exit', exited);
        worker.off('message', opened);
      };
      worker.on('error', fail);
      worker.on('exit', exited);
      worker.on('message', opened);
      const open: ToGraphThread = { type: 'open', path, options };
      worker.postMessage(open);
    });
  }

  run(feeds: Feeds): Promise<Record<string, TensorData>> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    const result = new Promise<Record<string, TensorData>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const message: ToGraphThread = { type: 'run', id, feeds };
    this.worker.postMessage(message, movableBuffers(Object.values(feeds)));
    return result;
  }

  async release(): Promise<void> {
    this.failure ??= new Error('onnx session: run after release');
    await this.worker.terminate();
  }
}
