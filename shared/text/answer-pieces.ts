/**
 * Each answer token as it reads inside the decoded answer, with the gap before it. Token texts are
 * decoded one id at a time, which drops the space before a word (word-level and SentencePiece
 * vocabularies alike) and turns a byte piece into U+FFFD, so gluing them back together can read
 * "Thestarispurple." — the answer string the run stored is the truth about what the reader sees.
 */

const SPACE = /\s/;

/**
 * `pieces[i]` is token i's text preceded by whatever separates it from token i − 1 in `answer`.
 * Tokens whose text the answer shows differently (byte pieces, a decoder's clean-up) read as the
 * answer text between their neighbours: the first of them carries it, the others are empty. A
 * token the answer does not contain at all (a special token such as `</s>`, which decoding skips,
 * or no answer yet while tokens stream in) is set off by one space.
 */
export function answerPieces(answer: string, texts: readonly string[]): string[] {
  const pieces: string[] = [];
  let cursor = 0;
  /** Tokens since the last one placed that the answer did not show where expected. */
  let unplaced: number[] = [];
  texts.forEach((text, i) => {
    if (text.trim() === '') {
      // A whitespace token (a newline) takes the answer's whitespace here, once.
      const space = /^\s*/.exec(answer.slice(cursor))?.[0] ?? '';
      cursor += space.length;
      if (space.length > 0) unplaced = [];
      pieces.push(space || text);
      return;
    }
    const body = text.trimStart();
    const at = answer.indexOf(body, cursor);
    const gap = at >= 0 ? answer.slice(cursor, at) : '';
    // Answer text before this token that no placed token covers: only unplaced tokens may own it.
    const skipped = gap.trimEnd();
    if (at < 0 || (skipped.trim() !== '' && unplaced.length === 0)) {
      unplaced.push(i);
      pieces.push(i > 0 && !SPACE.test(text[0] ?? '') ? ` ${text}` : text);
      return;
    }
    if (skipped.trim() !== '') unplaced.forEach((u, k) => (pieces[u] = k === 0 ? skipped : ''));
    unplaced = [];
    pieces.push(gap.slice(skipped.length) + body);
    cursor = at + body.length;
  });
  return pieces;
}

/** The text of tokens [start, end) as the answer reads, without the gap before the first. */
export function spanText(pieces: readonly string[], start: number, end: number): string {
  return pieces.slice(start, end).join('').trim();
}
