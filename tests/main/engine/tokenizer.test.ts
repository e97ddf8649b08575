import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tokenizer, UnsupportedTokenizerError } from '../../../main/engine/tokenizer';
import { PARITY_BUNDLES, bundlePath, readInputs } from '../../shared/dexar/fixture-data';

interface Case {
  text: string;
  ids: number[];
  ids_no_special: number[];
  decoded: string;
  decoded_skip_special: string;
  token_texts: string[];
}
// Ground truth from the Python `tokenizers` library (tokenizer/make_cases.py writes it).
const CASES = JSON.parse(readFileSync(new URL('./tokenizer/cases.json', import.meta.url), 'utf8')) as Record<string, { tokenizer: Record<string, unknown>; cases: Case[] }>;

describe('main/engine/tokenizer/encode', () => {
  for (const [name, { tokenizer, cases }] of Object.entries(CASES)) {
    it(`${name}: same ids and decodes as Python tokenizers`, () => {
      const tok = new Tokenizer(tokenizer);
      for (const c of cases) {
        expect(tok.encode(c.text), JSON.stringify(c.text)).toEqual(c.ids);
        expect(tok.encode(c.text, { addSpecialTokens: false }), JSON.stringify(c.text)).toEqual(c.ids_no_special);
        expect(tok.decode(c.ids), JSON.stringify(c.text)).toBe(c.decoded);
        expect(tok.decode(c.ids, { skipSpecialTokens: true }), JSON.stringify(c.text)).toBe(c.decoded_skip_special);
        // Python decode() skips special tokens by default, which is how token_texts were written.
        expect(c.ids_no_special.map((id) => tok.decode([id], { skipSpecialTokens: true }))).toEqual(c.token_texts);
      }
    });
  }

  for (const bundle of PARITY_BUNDLES) {
    it(`${bundle}: prompt and answer ids of the parity fixture`, async () => {
      const tok = await Tokenizer.fromFile(join(bundlePath(bundle), 'tokenizer.json'));
      const inputs = readInputs(bundle);
      expect(tok.encode(inputs.prompt_text)).toEqual(inputs.prompt_ids);
      expect(tok.encode(inputs.answer, { addSpecialTokens: false })).toEqual(inputs.answer_ids);
      expect(inputs.answer_ids.map((id) => tok.decode([id]))).toEqual(inputs.answer_tokens);
    });
  }
});

describe('main/engine/tokenizer/errors', () => {
  it('names the unsupported component', () => {
    const spec = CASES['tiny-mistral']?.tokenizer as Record<string, unknown>;
    expect(() => new Tokenizer({ ...spec, pre_tokenizer: { type: 'ByteLevel' } })).toThrow(UnsupportedTokenizerError);
    expect(() => new Tokenizer({ ...spec, pre_tokenizer: { type: 'ByteLevel' } })).toThrow(/pre_tokenizer: expected .* found ByteLevel/);
  });
});
