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
    const symbols = this.initialSymbols(word);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      let bestId = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const merge = this.merges.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (merge !== undefined && merge.rank < bestRank) {
          best = i;
          bestRank = merge.rank;
          bestId = merge.id;
        }
      }
      if (best < 0) return symbols;
      symbols.splice(best, 2, bestId);
    }
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
