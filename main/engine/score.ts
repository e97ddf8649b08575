/**
 * Teacher-forced scoring of a fixed answer: one decoder pass over prompt + answer[:-1] (no explain
 * rows) and the log-probability the model gives each answer token at the row that predicts it.
 * The perturbation metric (DESIGN §4) re-scores the same answer on images with patches removed.
 */
import { KvCache } from './generation/kv-cache';
import type { VlmModel } from './model';

/** log p(y_t | prompt, image, y_<t) for each answer token (natural log, float64 log-softmax). */
export async function answerLogProbs(model: VlmModel, prompt: string, pixelValues: Float32Array, dims: readonly number[], answerIds: readonly number[]): Promise<Float64Array> {
  if (answerIds.length === 0) throw new RangeError('score: expected at least one answer token, found none');
  const vocab = model.manifest.text.vocab_size;
  const { ids: promptIds } = model.promptIds(prompt);
  const embeds = await model.inputsEmbeds([...promptIds, ...answerIds.slice(0, -1)], pixelValues, dims);
  const step = await model.step(embeds, KvCache.empty(model.cacheShape));
  return Float64Array.from(answerIds, (id, i) => {
    const row = step.logits.subarray((promptIds.length - 1 + i) * vocab, (promptIds.length + i) * vocab);
    return logSoftmaxAt(row, id);
  });
}

/** log softmax(row)[id], stable (max subtracted), accumulated in float64. */
export function logSoftmaxAt(row: ArrayLike<number>, id: number): number {
  if (!Number.isInteger(id) || id < 0 || id >= row.length) throw new RangeError(`log softmax: expected a token id in [0, ${row.length}), found ${id}`);
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if ((row[i] as number) > max) max = row[i] as number;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp((row[i] as number) - max);
  return (row[id] as number) - max - Math.log(sum);
}
