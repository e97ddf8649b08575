/**
 * Normalizers and pre-tokenizers of Hugging Face `tokenizer.json`, the subset LLaVA-family
 * checkpoints use: Lowercase, Prepend, Replace, Strip, NFC/NFD/NFKC/NFKD, Sequence; Metaspace,
 * Whitespace, WhitespaceSplit, Sequence. A piece carries its offset in the original text because
 * Metaspace's prepend_scheme "first" only prepends to the piece that starts the text.
 */
import { UnsupportedTokenizerError } from './errors';

type Json = Record<string, unknown>;

export type Normalizer = (text: string) => string;
export interface Piece {
  readonly text: string;
  /** Offset of the piece's start in the original input. */
  readonly offset: number;
}
export type PreTokenizer = (pieces: Piece[]) => Piece[];

function stringPattern(spec: Json, where: string): string {
  const pattern = spec.pattern as Json | undefined;
  if (pattern === undefined || typeof pattern.String !== 'string') {
    throw new UnsupportedTokenizerError(`${where}.pattern`, JSON.stringify(pattern), ['{"String": …}']);
  }
  return pattern.String;
}

export function createNormalizer(spec: Json | null): Normalizer {
  if (spec === null) return (t) => t;
  switch (spec.type) {
    case 'Sequence': {
      const parts = (spec.normalizers as Json[]).map(createNormalizer);
      return (t) => parts.reduce((acc, f) => f(acc), t);
    }
    case 'Lowercase':
      return (t) => t.toLowerCase();
    case 'Prepend': {
      const prefix = String(spec.prepend);
      // tokenizers skips empty strings: nothing to prepend to.
      return (t) => (t.length > 0 ? prefix + t : t);
    }
    case 'Replace': {
      const pattern = stringPattern(spec, 'normalizer.Replace');
      const content = String(spec.content);
      return (t) => t.split(pattern).join(content);
    }
    case 'Strip': {
      const left = spec.strip_left !== false;
      const right = spec.strip_right !== false;
      return (t) => (left && right ? t.trim() : left ? t.trimStart() : right ? t.trimEnd() : t);
    }
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = spec.type;
      return (t) => t.normalize(form);
    }
    default:
      throw new UnsupportedTokenizerError('normalizer', String(spec.type), ['Sequence', 'Lowercase', 'Prepend', 'Replace', 'Strip', 'NFC/NFD/NFKC/NFKD', 'null']);
  }
}

// Rust regex \w is Unicode-aware: alphabetic, marks, decimal digits, connector punctuation, join controls.
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const WHITESPACE_SPLIT = new RegExp(`[${WORD}]+|[^${WORD}\\s]+`, 'gu');

function splitByRegex(pieces: Piece[], regex: RegExp): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    for (const match of piece.text.matchAll(regex)) out.push({ text: match[0], offset: piece.offset + (match.index ?? 0) });
  }
  return out;
}

export function createPreTokenizer(spec: Json | null): PreTokenizer {
  if (spec === null) return (pieces) => pieces;
  switch (spec.type) {
    case 'Sequence': {
      const parts = (spec.pretokenizers as Json[]).map(createPreTokenizer);
      return (pieces) => parts.reduce((acc, f) => f(acc), pieces);
    }
    case 'Whitespace':
      return (pieces) => splitByRegex(pieces, WHITESPACE_SPLIT);
    case 'WhitespaceSplit':
      return (pieces) => splitByRegex(pieces, /\S+/gu);
    case 'Metaspace':
      return metaspace(spec);
    default:
      throw new UnsupportedTokenizerError('pre_tokenizer', String(spec.type), ['Sequence', 'Whitespace', 'WhitespaceSplit', 'Metaspace', 'null']);
  }
}

function metaspace(spec: Json): PreTokenizer {
  const replacement = String(spec.replacement ?? '▁');
  // Older files spell the scheme as add_prefix_space: true (≙ "always").
  const scheme = typeof spec.prepend_scheme === 'string' ? spec.prepend_scheme : spec.add_prefix_space === false ? 'never' : 'always';
  const split = spec.split !== false;
  return (pieces) => {
    const out: Piece[] = [];
    for (const piece of pieces) {
      let text = piece.text.split(' ').join(replacement);
      const offset = piece.offset;
      const prepend = scheme === 'always' || (scheme === 'first' && piece.offset === 0);
      if (prepend && !text.startsWith(replacement)) text = replacement + text;
      if (!split) {
        out.push({ text, offset });
        continue;
      }
      // MergedWithNext: each replacement char starts a new piece.
      let start = 0;
      for (let i = 1; i <= text.length; i++) {
        if (i === text.length || text.startsWith(replacement, i)) {
          if (i > start) out.push({ text: text.slice(start, i), offset: offset + start });
          start = i;
        }
      }
    }
    return out;
  };
}
