/**
 * Which answer word each answer token belongs to, so grounded words (DESIGN §5) become grounded
 * tokens. Tokenizers differ (word-level, BPE with "▁" pieces, byte fallback), so tokens are laid
 * over the answer text by their decoded pieces instead of by tokenizer-specific offsets.
 */
import { answerWords } from './dataset';

/** [start, end) character spans of `words` in `text`, matched left to right. */
export function wordSpans(text: string, words: readonly string[]): [number, number][] {
  let cursor = 0;
  return words.map((w) => {
    const start = text.indexOf(w, cursor);
    if (start < 0) throw new RangeError(`word spans: expected "${w}" in "${text}" after character ${cursor}, found none`);
    cursor = start + w.length;
    return [start, cursor];
  });
}

/**
 * Character span of each token piece in `text`: a piece (leading "▁"/whitespace dropped) must
 * follow the previous one, with only whitespace between. Pieces that cannot be placed (empty,
 * partial bytes, text the tokenizer normalised away) get null and count as touching no word.
 */
export function pieceSpans(text: string, pieces: readonly string[]): ([number, number] | null)[] {
  let cursor = 0;
  return pieces.map((raw) => {
    const piece = raw.replace(/^[\s▁]+/u, '').replace(/▁/gu, ' ');
    if (piece === '') return null;
    let start = cursor;
    while (start < text.length && /\s/u.test(text[start] as string) && !text.startsWith(piece, start)) start++;
    if (!text.startsWith(piece, start)) return null;
    cursor = start + piece.length;
    return [start, cursor];
  });
}

/** Answer-word index of each token (−1: touches no word), from the decoded pieces of the answer's tokens. */
export function tokenWordOwners(answer: string, pieces: readonly string[]): number[] {
  const spans = wordSpans(answer, answerWords(answer));
  return pieceSpans(answer, pieces).map((span) => {
    if (span === null) return -1;
    return spans.findIndex(([ws, we]) => span[0] < we && ws < span[1]);
  });
}
