/** Graph-thread entry (build/main/graph-worker.mjs): one GraphSession, runs in arrival order. */
import { parentPort } from 'node:worker_threads';
import { GraphSession, type TensorData } from '../onnx';
import { movableBuffers, type FromGraphThread, type ToGraphThread } from './protocol';

const port = parentPort;
if (port === null) throw new Error('graph thread: expected to run in a worker thread, found the main thread');

let session: Promise<GraphSession> | null = null;
const post = (message: FromGraphThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (message: ToGraphThread) => {
  if (message.type === 'open') {
    session = GraphSession.create(message.path, message.options);
    session.then(
      (s) => post({ type: 'opened', provider: s.provider, notices: s.notices }),
      (err: unknown) => post({ type: 'open-failed', message: messageOf(err) }),
    );
    return;
  }
  const { id, feeds } = message;
  if (session === null) return post({ type: 'failed', id, message: 'graph thread: run before open' });
  session
    .then((s) => s.run(feeds))
    .then(
      (outputs) => {
        const owned: Record<string, TensorData> = {};
        for (const [name, t] of Object.entries(outputs)) owned[name] = ownCopy(t);
        post({ type: 'result', id, outputs: owned }, movableBuffers(Object.values(owned)));
      },
      (err: unknown) => post({ type: 'failed', id, message: messageOf(err) }),
    );
});

/** onnxruntime's output buffers are not ours to move; a copy is (outputs here are small: G rows). */
function ownCopy(t: TensorData): TensorData {
  return t.type === 'float32' ? { type: t.type, data: t.data.slice(), dims: t.dims } : { type: t.type, data: t.data.slice(), dims: t.dims };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
