/**
 * Next-token choice: logits processors (temperature, top-p) then greedy argmax or a seeded draw,
 * plus the top-5 alternatives with their probabilities (under the unprocessed softmax, which is
 * what the analyst compares tokens by).
 */
import { seededRandom } from '../../../shared/random';

export interface SamplingOptions {
  /** 'greedy' takes the argmax; 'sample' draws from the processed distribution. */
  readonly strategy: 'greedy' | 'sample';
  /** Divides the logits before sampling (> 0; 1 = unchanged). */
  readonly temperature: number;
  /** Nucleus: keep the smallest set of tokens whose probability reaches top_p (1 = all). */
  readonly topP: number;
  /** Seed of the draw, so a sampled run can be repeated exactly. */
  readonly seed: number;
}

export const GREEDY: SamplingOptions = { strategy: 'greedy', temperature: 1, topP: 1, seed: 0 };

export interface Alternative {
  readonly id: number;
  readonly prob: number;
}

export interface Choice {
  readonly id: number;
  /** Probability of the chosen token under softmax(logits). */
  readonly prob: number;
  /** The five most likely tokens under softmax(logits), most likely first. */
  readonly top: readonly Alternative[];
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** Indices of the k largest values, largest first (ties: lower index first, like torch.topk on CPU in practice). */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (best.length === k && v <= (values[best[k - 1] as number] as number)) continue;
    let pos = best.length;
    while (pos > 0 && v > (values[best[pos - 1] as number] as number)) pos--;
    best.splice(pos, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

export { seededRandom } from '../../../shared/random';

export class Sampler {
  private readonly random: () => number;

  constructor(readonly options: SamplingOptions = GREEDY) {
    if (!(options.temperature > 0)) throw new RangeError(`sampler temperature: expected > 0, found ${options.temperature}`);
    if (!(options.topP > 0 && options.topP <= 1)) throw new RangeError(`sampler top_p: expected in (0, 1], found ${options.topP}`);
    this.random = seededRandom(options.seed);
  }

  choose(logits: ArrayLike<number>): Choice {
    const probs = softmax(logits);
    const top = topIndices(probs, 5).map((id) => ({ id, prob: probs[id] as number }));
    const id = this.options.strategy === 'greedy' ? (top[0] as Alternative).id : this.draw(logits);
    return { id, prob: probs[id] as number, top };
  }

  private draw(logits: ArrayLike<number>): number {
    const scaled = Array.from({ length: logits.length }, (_, i) => (logits[i] as number) / this.options.temperature);
    const probs = softmax(scaled);
    const order = Array.from(probs.keys()).sort((a, b) => (probs[b] as number) - (probs[a] as number));
    // Nucleus: the smallest prefix reaching top_p (the first token always stays).
    let kept = 0;
    let mass = 0;
    while (kept < order.length && (kept === 0 || mass < this.options.topP)) mass += probs[order[kept++] as number] as number;
    let r = this.random() * mass;
    for (let i = 0; i < kept; i++) {
      r -= probs[order[i] as number] as number;
      if (r <= 0) return order[i] as number;
    }
    return order[kept - 1] as number;
  }
}
