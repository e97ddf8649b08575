import { describe, expect, it } from 'vitest';
import { answerPieces, spanText } from '../../../shared/text/answer-pieces';

describe('shared/text/answerPieces', () => {
  it('puts back the spaces a word-level tokenizer decodes without', () => {
    const pieces = answerPieces('The star is purple.', ['The', 'star', 'is', 'purple', '.', '</s>']);
    expect(pieces).toEqual(['The', ' star', ' is', ' purple', '.', ' </s>']);
    expect(pieces.slice(0, 5).join('')).toBe('The star is purple.');
  });

  it('keeps tokens that carry their own leading space as they are (synthetic report cases do)', () => {
    expect(answerPieces('A red circle, a star.', ['A', ' red', ' circle', ',', ' a', ' star', '.'])).toEqual(['A', ' red', ' circle', ',', ' a', ' star', '.']);
  });

  it('keeps line breaks and runs of spaces from the answer', () => {
    expect(answerPieces('Yes.\n  Two', ['Yes', '.', 'Two'])).toEqual(['Yes', '.', '\n  Two']);
  });

  it("takes a newline token's whitespace from the answer once", () => {
    const pieces = answerPieces('purple.\nIt is', ['purple', '.', '\n', 'It', 'is']);
    expect(pieces).toEqual(['purple', '.', '\n', 'It', ' is']);
    expect(pieces.join('')).toBe('purple.\nIt is');
  });

  it('gives byte pieces the answer text they decode to together, and keeps aligning after them', () => {
    // "café" where é is two byte-fallback tokens, each decoding alone to U+FFFD.
    const pieces = answerPieces('a café here', ['a', 'caf', '\uFFFD', '\uFFFD', 'here']);
    expect(pieces).toEqual(['a', ' caf', 'é', '', ' here']);
    expect(pieces.join('')).toBe('a café here');
  });

  it('matches a repeated word at its own place, not an earlier one', () => {
    expect(answerPieces('a b a', ['a', 'b', 'a'])).toEqual(['a', ' b', ' a']);
  });

  it('sets off by one space a token the answer lacks, and later tokens still align', () => {
    expect(answerPieces('red star', ['red', '<x>', 'star'])).toEqual(['red', ' <x>', ' star']);
    expect(answerPieces('', ['red', 'star'])).toEqual(['red', ' star']);
  });

  it('does not skip over answer text to find a token further on', () => {
    // "star" occurs later, but "big" sits between: the token is not where the answer has it.
    expect(answerPieces('red big star', ['red', 'star'])).toEqual(['red', ' star']);
  });
});

describe('shared/text/spanText', () => {
  it('reads a span as the answer does, without the gap before its first token', () => {
    const pieces = answerPieces('The purple star.', ['The', 'purple', 'star', '.']);
    expect(spanText(pieces, 1, 3)).toBe('purple star');
    expect(spanText(pieces, 2, 4)).toBe('star.');
  });
});
