/**
 * Messages between the engine and a graph thread: one onnxruntime session living in its own
 * worker thread, so its runs overlap the engine thread's own (online explanation runs the explain
 * head of token t while the decoder computes token t + 1). Plain structured-clone data.
 */
import type { ProviderName, ProviderNotice, SessionOptions, TensorData } from '../onnx';

export type Feeds = Readonly<Record<string, TensorData>>;

export type ToGraphThread =
  | { readonly type: 'open'; readonly path: string; readonly options: SessionOptions }
  | { readonly type: 'run'; readonly id: number; readonly feeds: Feeds };

export type FromGraphThread =
  | { readonly type: 'opened'; readonly provider: ProviderName; readonly notices: readonly ProviderNotice[] }
  | { readonly type: 'open-failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly outputs: Record<string, TensorData> }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/** The buffers a message can move instead of copy: typed arrays that span their whole buffer. */
export function movableBuffers(tensors: Iterable<TensorData>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of tensors) {
    const b = t.data.buffer;
    if (b instanceof ArrayBuffer && t.data.byteOffset === 0 && t.data.byteLength === b.byteLength) buffers.add(b);
  }
  return [...buffers];
}
