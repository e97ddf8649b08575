/**
 * Each answer token as it reads inside the decoded answer, with the gap before it. Token texts are
 * decoded one id at a time, so whether a word carries its leading space depends on the tokenizer
 * (SentencePiece keeps it, a word-level vocabulary does not) and gluing them back together can read
 * "Thestarispurple." — the answer string the run stored is the truth about spacing.
 */

const SPACE = /\s/;

/**
 * `pieces[i]` is token i's text preceded by whatever separates it from token i − 1 in `answer`.
 * A token the answer does not contain where expected (a special token such as `</s>`, which decoding
 * skips, or no answer at all while tokens stream in) is set off by one space.
 */
export function answerPieces(answer: string, texts: readonly string[]): string[] {
  let cursor = 0;
  return texts.map((text, i) => {
    const body = text.trimStart();
    if (body.length === 0) return text;
    const at = answer.indexOf(body, cursor);
    const gap = at >= 0 ? answer.slice(cursor, at) : '';
    if (at >= 0 && gap.trim().length === 0) {
      cursor = at + body.length;
      return gap + body;
    }
    return i > 0 && !SPACE.test(text[0] ?? '') ? ` ${text}` : text;
  });
}

/** The text of tokens [start, end) as the answer reads, without the gap before the first. */
export function spanText(pieces: readonly string[], start: number, end: number): string {
  return pieces.slice(start, end).join('').trim();
}
