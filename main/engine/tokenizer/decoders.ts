/**
 * Decoders of Hugging Face `tokenizer.json` (token strings → text): Sequence, Replace,
 * ByteFallback, Fuse, Strip, Metaspace, WordPiece; no decoder joins tokens with spaces, as the
 * `tokenizers` crate does.
 */
import { UnsupportedTokenizerError } from './errors';

type Json = Record<string, unknown>;
export type Decoder = (tokens: string[]) => string[];

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

export function createDecoder(spec: Json | null): Decoder {
  if (spec === null) return (tokens) => [tokens.join(' ')];
  switch (spec.type) {
    case 'Sequence': {
      const parts = (spec.decoders as Json[]).map(createDecoder);
      return (tokens) => parts.reduce((acc, f) => f(acc), tokens);
    }
    case 'Replace': {
      const pattern = (spec.pattern as Json | undefined)?.String;
      if (typeof pattern !== 'string') throw new UnsupportedTokenizerError('decoder.Replace.pattern', JSON.stringify(spec.pattern), ['{"String": …}']);
      const content = String(spec.content);
      return (tokens) => tokens.map((t) => t.split(pattern).join(content));
    }
    case 'ByteFallback':
      return byteFallback;
    case 'Fuse':
      return (tokens) => [tokens.join('')];
    case 'Strip': {
      const content = String(spec.content);
      const start = Number(spec.start ?? 0);
      const stop = Number(spec.stop ?? 0);
      return (tokens) => tokens.map((t) => strip(t, content, start, stop));
    }
    case 'Metaspace': {
      const replacement = String(spec.replacement ?? '▁');
      const scheme = typeof spec.prepend_scheme === 'string' ? spec.prepend_scheme : spec.add_prefix_space === false ? 'never' : 'always';
      return (tokens) =>
        tokens.map((t, i) => {
          const text = t.split(replacement).join(' ');
          return i === 0 && scheme !== 'never' && text.startsWith(' ') ? text.slice(1) : text;
        });
    }
    case 'WordPiece': {
      const prefix = String(spec.prefix ?? '##');
      const cleanup = spec.cleanup !== false;
      return (tokens) =>
        tokens.map((t, i) => {
          let text = t;
          if (i !== 0) text = text.startsWith(prefix) ? text.slice(prefix.length) : ` ${text}`;
          return cleanup ? cleanupSpaces(text) : text;
        });
    }
    default:
      throw new UnsupportedTokenizerError('decoder', String(spec.type), ['Sequence', 'Replace', 'ByteFallback', 'Fuse', 'Strip', 'Metaspace', 'WordPiece', 'null']);
  }
}

/** Runs of <0xXX> tokens become their UTF-8 text; an invalid run becomes one U+FFFD per byte token. */
function byteFallback(tokens: string[]): string[] {
  const out: string[] = [];
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length === 0) return;
    try {
      out.push(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes)));
    } catch {
      for (let i = 0; i < bytes.length; i++) out.push('\uFFFD');
    }
    bytes = [];
  };
  for (const token of tokens) {
    const m = BYTE_TOKEN.exec(token);
    if (m) bytes.push(parseInt(m[1] as string, 16));
    else {
      flush();
      out.push(token);
    }
  }
  flush();
  return out;
}

function strip(text: string, content: string, start: number, stop: number): string {
  let s = 0;
  let e = text.length;
  for (let i = 0; i < start && text.startsWith(content, s); i++) s += content.length;
  for (let i = 0; i < stop && e - content.length >= s && text.startsWith(content, e - content.length); i++) e -= content.length;
  return text.slice(s, e);
}

/** tokenizers' cleanup: glue punctuation and English contractions back onto the previous word. */
function cleanupSpaces(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
