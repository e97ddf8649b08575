/**
 * Worker-thread entry: owns the Engine (and so the onnxruntime sessions, kept warm across
 * requests) and runs one request at a time; a cancel message aborts the running one, which stops
 * at the next decoder step.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorEnvelope } from '../../../shared/api/envelope';
import { APP_VERSION } from '../../app/info';
import { CancelledError, Engine } from '../engine';
import { resultDocument } from '../result';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (port === null) throw new Error('engine worker: expected to run in a worker thread, found the main thread');

const engine = new Engine();
const running = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();
const post = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  if (message.type === 'close') {
    void queue.then(() => engine.close()).then(() => port.close());
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  queue = queue.then(() => handle(message.id, message.request, controller));
});

async function handle(id: number, request: Extract<ToWorker, { type: 'explain' }>['request'], controller: AbortController): Promise<void> {
  try {
    if (controller.signal.aborted) throw new CancelledError();
    const outcome = await engine.explain(
      request,
      (p) => {
        if (p.phase !== 'token') post({ type: 'progress', id, progress: { phase: p.phase } });
        else {
          const t = p.event.token;
          post({ type: 'progress', id, progress: { phase: 'token', index: t.index, id: t.id, text: t.text, delta: p.event.delta, prob: t.prob, top: t.top, map: p.event.map } });
        }
      },
      controller.signal,
    );
    const document = resultDocument(
      outcome.explanation,
      outcome.bundle,
      { image: { path: request.imagePath ?? '(image bytes)', width: outcome.image.width, height: outcome.image.height }, prompt: request.prompt, answer: request.answer ?? null },
      outcome.timings,
      {
        appVersion: APP_VERSION,
        providers: outcome.providers,
        providerNotices: outcome.notices,
        generation: outcome.generation ? { maxNewTokens: request.maxNewTokens ?? 32, sampling: request.sampling ?? null, stopReason: outcome.generation.stopReason } : null,
        createdAt: new Date().toISOString(),
      },
    );
    post({ type: 'result', id, envelope: { ok: true, value: { explanation: outcome.explanation, document } } });
  } catch (err) {
    post({ type: 'result', id, envelope: toErrorEnvelope(err) });
  } finally {
    running.delete(id);
  }
}
