/** Stopping criteria for generation: max new tokens, stop tokens, context length, cancellation. */

export type StopReason = 'max-new-tokens' | 'stop-token' | 'context-full' | 'cancelled';

export interface StoppingOptions {
  /** Generate at most this many tokens. */
  readonly maxNewTokens: number;
  /** Token ids that end generation (the stop token itself is kept in the output). */
  readonly stopTokens: readonly number[];
  /** Longest sequence the model handles exactly (manifest text.max_positions). */
  readonly maxPositions: number;
  /** Aborting it stops after the current step. */
  readonly signal?: AbortSignal;
}

/** Why generation must stop after a sequence of `length` positions whose last generated token is `lastToken`, or null to go on. */
export function shouldStop(options: StoppingOptions, generated: number, length: number, lastToken: number | null): StopReason | null {
  if (options.signal?.aborted) return 'cancelled';
  if (lastToken !== null && options.stopTokens.includes(lastToken)) return 'stop-token';
  if (generated >= options.maxNewTokens) return 'max-new-tokens';
  // The next step appends one position to the sequence.
  if (length + 1 > options.maxPositions) return 'context-full';
  return null;
}
