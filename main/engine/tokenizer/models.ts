/**
 * Tokenizer models of Hugging Face `tokenizer.json`: WordLevel and BPE (Llama style: merges by
 * rank, byte fallback to <0xXX> tokens, fused unknowns). Each maps one pre-tokenized word to ids.
 */
import { UnsupportedTokenizerError } from './errors';

export interface TokenModel {
  /** Ids of one pre-tokenized word. */
  tokenize(word: string): number[];
  /** Vocabulary (without added tokens): token → id. */
  readonly vocab: ReadonlyMap<string, number>;
}

type Json = Record<string, unknown>;

export function createModel(spec: Json): TokenModel {
  switch (spec.type) {
    case 'WordLevel':
      return new WordLevelModel(spec);
    case 'BPE':
      return new BpeModel(spec);
    default:
      throw new UnsupportedTokenizerError('model', String(spec.type), ['WordLevel', 'BPE']);
  }
}

function vocabOf(spec: Json): Map<string, number> {
  const vocab = spec.vocab;
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) {
    throw new UnsupportedTokenizerError('model.vocab', Array.isArray(vocab) ? 'a list' : typeof vocab, ['an object of token → id']);
  }
  return new Map(Object.entries(vocab as Record<string, number>));
}

function unkIdOf(spec: Json, vocab: Map<string, number>): number | null {
  const unk = spec.unk_token;
  if (typeof unk !== 'string') return null;
  const id = vocab.get(unk);
  if (id === undefined) throw new UnsupportedTokenizerError('model.unk_token', `${unk} (not in the vocabulary)`, ['a vocabulary token']);
  return id;
}

class WordLevelModel implements TokenModel {
  readonly vocab: Map<string, number>;
  private readonly unkId: number | null;

  constructor(spec: Json) {
    this.vocab = vocabOf(spec);
    this.unkId = unkIdOf(spec, this.vocab);
  }

  tokenize(word: string): number[] {
    const id = this.vocab.get(word) ?? this.unkId;
    if (id === null) throw new RangeError(`WordLevel tokenizer: "${word}" is not in the vocabulary and there is no unk token`);
    return [id];
  }
}

/** BPE as the `tokenizers` crate runs it: symbols from characters, then merges lowest rank first, leftmost on ties. */
class BpeModel implements TokenModel {
  readonly vocab: Map<string, number>;
  private readonly unkId: number | null;
  private readonly merges = new Map<string, { rank: number; id: number }>();
  private readonly byteFallback: boolean;
  private readonly fuseUnk: boolean;
  private readonly ignoreMerges: boolean;
  private readonly byteIds: (number | undefined)[];

  constructor(spec: Json) {
    for (const field of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
      if (spec[field] !== null && spec[field] !== undefined && spec[field] !== '') {
        throw new UnsupportedTokenizerError(`model.${field}`, String(spec[field]), ['null']);
      }
    }
    if (spec.dropout !== null && spec.dropout !== undefined) throw new UnsupportedTokenizerError('model.dropout', String(spec.dropout), ['null']);
    this.vocab = vocabOf(spec);
    this.unkId = unkIdOf(spec, this.vocab);
    this.byteFallback = spec.byte_fallback === true;
    this.fuseUnk = spec.fuse_unk === true;
    this.ignoreMerges = spec.ignore_merges === true;
    this.byteIds = Array.from({ length: 256 }, (_, b) => this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
    const merges = (spec.merges ?? []) as (string | [string, string])[];
    merges.forEach((merge, rank) => {
      // Two spellings exist: "a b" (older files) and ["a", "b"].
      const [a, b] = typeof merge === 'string' ? (merge.split(' ') as [string, string]) : merge;
      const ida = this.vocab.get(a);
      const idb = this.vocab.get(b);
      const id = this.vocab.get(a + b);
      if (ida === undefined || idb === undefined || id === undefined) {
        throw new UnsupportedTokenizerError('model.merges', `merge ${rank} "${a} ${b}" with a token missing from the vocabulary`, ['merges of vocabulary tokens']);
      }
      const key = `${ida} ${idb}`;
      if (!this.merges.has(key)) this.merges.set(key, { rank, id });
    });
  }

  tokenize(word: string): number[] {
    if (word.length === 0) return [];
    if (this.ignoreMerges) {
      const whole = this.vocab.get(word);
      if (whole !== undefined) return [whole];
    }
    return this.merge(this.initialSymbols(word));
  }

  /**
   * Applies merges lowest rank first, leftmost on ties, as the tokenizers crate does: a linked
   * list of symbols and a min-heap of candidate pairs (stale entries skipped), O(n log n), so a
   * long prompt that Metaspace keeps as one word stays fast.
   */
  private merge(ids: number[]): number[] {
    const n = ids.length;
    const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const heap = new PairHeap();
    const push = (left: number) => {
      const right = next[left] as number;
      if (left < 0 || right < 0) return;
      const merge = this.merges.get(`${ids[left]} ${ids[right]}`);
      if (merge !== undefined) heap.push({ rank: merge.rank, left, leftId: ids[left] as number, rightId: ids[right] as number, id: merge.id });
    };
    for (let i = 0; i + 1 < n; i++) push(i);
    for (let top = heap.pop(); top !== undefined; top = heap.pop()) {
      const right = next[top.left] as number;
      // Stale: one side was merged into something else since this pair was queued.
      if (ids[top.left] !== top.leftId || right < 0 || ids[right] !== top.rightId) continue;
      ids[top.left] = top.id;
      ids[right] = -1;
      const after = next[right] as number;
      next[top.left] = after;
      if (after >= 0) prev[after] = top.left;
      push(prev[top.left] as number);
      push(top.left);
    }
    return ids.filter((id) => id >= 0);
  }

  private initialSymbols(word: string): number[] {
    const out: number[] = [];
    let lastWasUnk = false;
    for (const char of word) {
      const id = this.vocab.get(char);
      if (id !== undefined) {
        out.push(id);
        lastWasUnk = false;
        continue;
      }
      if (this.byteFallback) {
        const bytes = new TextEncoder().encode(char);
        const ids = Array.from(bytes, (b) => this.byteIds[b]);
        if (ids.every((x) => x !== undefined)) {
          out.push(...(ids as number[]));
          lastWasUnk = false;
          continue;
        }
      }
      if (this.unkId === null) throw new RangeError(`BPE tokenizer: "${char}" is not in the vocabulary and there is no unk token`);
      if (!(this.fuseUnk && lastWasUnk)) out.push(this.unkId);
      lastWasUnk = true;
    }
    return out;
  }
}

interface PairEntry {
  readonly rank: number;
  /** Original index of the pair's left symbol (its position in the word). */
  readonly left: number;
  readonly leftId: number;
  readonly rightId: number;
  /** Id of the merged token. */
  readonly id: number;
}

/** Binary min-heap on (rank, left). */
class PairHeap {
  private readonly items: PairEntry[] = [];

  push(item: PairEntry): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(a[i] as PairEntry, a[parent] as PairEntry)) break;
      [a[i], a[parent]] = [a[parent] as PairEntry, a[i] as PairEntry];
      i = parent;
    }
  }

  pop(): PairEntry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l] as PairEntry, a[m] as PairEntry)) m = l;
        if (r < a.length && less(a[r] as PairEntry, a[m] as PairEntry)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as PairEntry, a[i] as PairEntry];
        i = m;
      }
    }
    return top;
  }
}

function less(a: PairEntry, b: PairEntry): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.left < b.left);
}
