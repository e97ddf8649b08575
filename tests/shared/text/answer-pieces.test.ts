import { describe, expect, it } from 'vitest';
import { answerPieces, spanText } from '../../../shared/text/answer-pieces';

describe('answerPieces', () => {
  it('puts back the spaces a word-level tokenizer decodes without', () => {
    const pieces = answerPieces('The star is purple.', ['The', 'star', 'is', 'purple', '.', '</s>']);
    expect(pieces).toEqual(['The', ' star', ' is', ' purple', '.', ' </s>']);
    expect(pieces.slice(0, 5).join('')).toBe('The star is purple.');
  });

  it('keeps tokens that carry their own leading space as they are', () => {
    expect(answerPieces('A red circle, a star.', ['A', ' red', ' circle', ',', ' a', ' star', '.'])).toEqual(['A', ' red', ' circle', ',', ' a', ' star', '.']);
  });

  it('keeps line breaks and runs of spaces from the answer', () => {
    expect(answerPieces('Yes.\n  Two', ['Yes', '.', 'Two'])).toEqual(['Yes', '.', '\n  Two']);
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

describe('spanText', () => {
  it('reads a span as the answer does, without the gap before its first token', () => {
    const pieces = answerPieces('The purple star.', ['The', 'purple', 'star', '.']);
    expect(spanText(pieces, 1, 3)).toBe('purple star');
    expect(spanText(pieces, 2, 4)).toBe('star.');
  });
});
