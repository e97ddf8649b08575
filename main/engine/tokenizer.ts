/**
 * Hugging Face `tokenizer.json` in pure TypeScript: added/special tokens, normalizer,
 * pre-tokenizer, WordLevel or Llama-style BPE model, TemplateProcessing post-processor and the
 * decoder chain — the same ids as the Python `tokenizers` library for the files our bundles carry.
 * The pipeline follows `tokenizers`: split on added tokens first, normalize and pre-tokenize the
 * text between them, tokenize each word, then add the template's special tokens.
 */
import { readFile } from 'node:fs/promises';
import { createDecoder, type Decoder } from './tokenizer/decoders';
import { UnsupportedTokenizerError } from './tokenizer/errors';
import { createModel, type TokenModel } from './tokenizer/models';
import { createNormalizer, createPreTokenizer, type Normalizer, type PreTokenizer } from './tokenizer/text';

export { UnsupportedTokenizerError } from './tokenizer/errors';

type Json = Record<string, unknown>;

interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly special: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  readonly singleWord: boolean;
}

export interface DecodeOptions {
  /** Drop added tokens marked special (<s>, </s>, <image>, …). */
  readonly skipSpecialTokens?: boolean;
}

export class Tokenizer {
  private readonly model: TokenModel;
  private readonly normalize: Normalizer;
  private readonly preTokenize: PreTokenizer;
  private readonly decoder: Decoder;
  private readonly added: AddedToken[];
  private readonly idToToken = new Map<number, string>();
  private readonly tokenToId = new Map<string, number>();
  private readonly specialIds = new Set<number>();
  private readonly templatePrefix: number[];
  private readonly templateSuffix: number[];

  constructor(json: Json) {
    this.model = createModel(json.model as Json);
    this.normalize = createNormalizer((json.normalizer ?? null) as Json | null);
    this.preTokenize = createPreTokenizer((json.pre_tokenizer ?? null) as Json | null);
    this.decoder = createDecoder((json.decoder ?? null) as Json | null);
    for (const [token, id] of this.model.vocab) {
      this.idToToken.set(id, token);
      this.tokenToId.set(token, id);
    }
    this.added = ((json.added_tokens ?? []) as Json[]).map((t) => ({
      id: Number(t.id),
      content: String(t.content),
      special: t.special === true,
      lstrip: t.lstrip === true,
      rstrip: t.rstrip === true,
      singleWord: t.single_word === true,
    }));
    for (const t of this.added) {
      this.idToToken.set(t.id, t.content);
      this.tokenToId.set(t.content, t.id);
      if (t.special) this.specialIds.add(t.id);
    }
    // Longest first, so matching at a position picks the longest added token (leftmost-longest).
    this.added.sort((a, b) => b.content.length - a.content.length);
    [this.templatePrefix, this.templateSuffix] = this.templateOf((json.post_processor ?? null) as Json | null);
  }

  static async fromFile(path: string): Promise<Tokenizer> {
    return new Tokenizer(JSON.parse(await readFile(path, 'utf8')) as Json);
  }

  /** Ids of `text`; with special tokens, the post-processor's template (e.g. BOS) is applied. */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const ids: number[] = [];
    for (const part of this.splitAdded(text)) {
      if (part.added !== null) {
        ids.push(part.added.id);
        continue;
      }
      const normalized = this.normalize(part.text);
      if (normalized.length === 0) continue;
      for (const word of this.preTokenize([{ text: normalized, offset: part.offset }])) ids.push(...this.model.tokenize(word.text));
    }
    return options.addSpecialTokens === false ? ids : [...this.templatePrefix, ...ids, ...this.templateSuffix];
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const tokens: string[] = [];
    for (const id of ids) {
      if (options.skipSpecialTokens && this.specialIds.has(id)) continue;
      const token = this.idToToken.get(id);
      if (token === undefined) throw new RangeError(`tokenizer decode: expected ids in the vocabulary, found ${id}`);
      tokens.push(token);
    }
    return this.decoder(tokens).join('');
  }

  tokenId(token: string): number | undefined {
    return this.tokenToId.get(token);
  }

  get vocabSize(): number {
    return this.idToToken.size;
  }

  /** Splits the raw text on added tokens (leftmost-longest), honouring lstrip/rstrip/single_word. */
  private splitAdded(text: string): { text: string; offset: number; added: AddedToken | null }[] {
    const out: { text: string; offset: number; added: AddedToken | null }[] = [];
    let start = 0;
    let i = 0;
    while (i < text.length) {
      const hit = this.added.find((t) => text.startsWith(t.content, i) && (!t.singleWord || isWordBoundary(text, i, i + t.content.length)));
      if (hit === undefined) {
        i++;
        continue;
      }
      let before = i;
      if (hit.lstrip) while (before > start && /\s/u.test(text[before - 1] as string)) before--;
      let after = i + hit.content.length;
      if (hit.rstrip) while (after < text.length && /\s/u.test(text[after] as string)) after++;
      if (before > start) out.push({ text: text.slice(start, before), offset: start, added: null });
      out.push({ text: hit.content, offset: i, added: hit });
      start = after;
      i = after;
    }
    if (start < text.length) out.push({ text: text.slice(start), offset: start, added: null });
    return out;
  }

  private templateOf(spec: Json | null): [number[], number[]] {
    if (spec === null) return [[], []];
    if (spec.type !== 'TemplateProcessing') throw new UnsupportedTokenizerError('post_processor', String(spec.type), ['TemplateProcessing', 'null']);
    const specials = (spec.special_tokens ?? {}) as Record<string, { ids: number[] }>;
    const prefix: number[] = [];
    const suffix: number[] = [];
    let seen = false;
    for (const item of spec.single as Json[]) {
      if ('Sequence' in item) {
        seen = true;
        continue;
      }
      const name = String((item.SpecialToken as Json).id);
      const ids = specials[name]?.ids;
      if (ids === undefined) throw new UnsupportedTokenizerError('post_processor.special_tokens', `no ids for ${name}`, ['ids for every template token']);
      (seen ? suffix : prefix).push(...ids);
    }
    return [prefix, suffix];
  }
}

function isWordBoundary(text: string, start: number, end: number): boolean {
  const word = /[\p{L}\p{N}_]/u;
  return (start === 0 || !word.test(text[start - 1] as string)) && (end >= text.length || !word.test(text[end] as string));
}
