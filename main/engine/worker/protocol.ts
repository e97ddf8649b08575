/**
 * Messages between a host and the engine worker thread. Everything is structured-clone data
 * (typed arrays included); errors cross as the one envelope shape (STYLE 6).
 */
import type { Envelope } from '../../../shared/api/envelope';
import type { ExplainRequest } from '../engine';
import type { Explanation } from '../explain';
import type { ResultDocument } from '../result';

export type ToWorker =
  | { readonly type: 'explain'; readonly id: number; readonly request: ExplainRequest }
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'close' };

/** Progress as it crosses the thread boundary. */
export type WorkerProgress =
  | { readonly phase: 'load' | 'preprocess' | 'explain' | 'done' }
  | {
      readonly phase: 'token';
      readonly index: number;
      readonly id: number;
      readonly text: string;
      readonly delta: number;
      /** Probability of this token under softmax(logits) (it may lie outside the top 5 when sampled). */
      readonly prob: number;
      readonly top: readonly { readonly id: number; readonly text: string; readonly prob: number }[];
      /** E_t on the gh × gw grid, row-major. */
      readonly map: Float64Array;
    };

export interface WorkerOutcome {
  readonly explanation: Explanation;
  readonly document: ResultDocument;
}

export type FromWorker =
  | { readonly type: 'progress'; readonly id: number; readonly progress: WorkerProgress }
  | { readonly type: 'result'; readonly id: number; readonly envelope: Envelope<WorkerOutcome> };
