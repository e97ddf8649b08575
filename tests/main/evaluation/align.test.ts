import { describe, expect, it } from 'vitest';
import { pieceSpans, tokenWordOwners, wordSpans } from '../../../main/evaluation/align';

describe('evaluation/wordSpans', () => {
  it('finds each word after the previous one', () => {
    expect(wordSpans('The star is purple.', ['The', 'star', 'is', 'purple', '.'])).toEqual([[0, 3], [4, 8], [9, 11], [12, 18], [18, 19]]);
  });
  it('says which word is missing', () => {
    expect(() => wordSpans('a b', ['b', 'a'])).toThrow(/"a" in "a b" after character 3/);
  });
});

describe('evaluation/pieceSpans', () => {
  it('places Metaspace and plain pieces, skipping whitespace between them', () => {
    expect(pieceSpans('The star', ['▁The', '▁st', 'ar'])).toEqual([[0, 3], [4, 6], [6, 8]]);
    expect(pieceSpans('The star', ['The', ' star'])).toEqual([[0, 3], [4, 8]]);
  });
  it('gives null to pieces it cannot place and keeps going', () => {
    expect(pieceSpans('a b', ['a', '<0xE2>', '', 'b'])).toEqual([[0, 1], null, null, [2, 3]]);
  });
});

describe('evaluation/tokenWordOwners', () => {
  it('maps sub-word tokens to their word and a token spanning two words to the first', () => {
    // words: There(0) are(1) three(2) circles(3) .(4)
    expect(tokenWordOwners('There are three circles.', ['There', 'are', 'three', 'circle', 's', '.'])).toEqual([0, 1, 2, 3, 3, 4]);
    // words: a(0) star(1) .(2); "star." touches star and "."
    expect(tokenWordOwners('a star.', ['▁a', '▁star.'])).toEqual([0, 1]);
  });
  it('marks tokens that touch no word with −1', () => {
    expect(tokenWordOwners('a b', ['▁a', '▁', '▁b'])).toEqual([0, -1, 1]);
  });
});
