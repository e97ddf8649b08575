import { DexarError } from '../../../shared/api/envelope';

/** A tokenizer.json component this pure-TypeScript tokenizer does not implement. */
export class UnsupportedTokenizerError extends DexarError {
  constructor(component: string, found: string, expected: readonly string[]) {
    super('unsupported', `tokenizer.json ${component}: expected ${expected.join(' or ')}, found ${found}`, 'UnsupportedTokenizerError');
  }
}
