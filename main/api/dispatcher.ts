/**
 * Turns untrusted (method, payload) pairs from either host into validated handler calls and
 * always answers with an envelope, so no exception or unvalidated value crosses a boundary.
 */
import type { Envelope } from '../../shared/api/envelope';
import { toErrorEnvelope } from '../../shared/api/envelope';
import type { MethodName, MethodOutput, MethodParsedInput } from '../../shared/api/contract';
import { assertMethodName, parseMethodInput, parseMethodOutput } from '../../shared/api/validate';

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

export type Dispatch = (method: unknown, payload: unknown) => Promise<Envelope<unknown>>;

export function createDispatcher(handlers: Handlers): Dispatch {
  return async (rawMethod, payload) => {
    try {
      const method = assertMethodName(rawMethod);
      const input = parseMethodInput(method, payload);
      const handler = handlers[method] as (input: unknown) => unknown;
      const value = parseMethodOutput(method, await handler(input));
      return { ok: true, value };
    } catch (err) {
      return toErrorEnvelope(err);
    }
  };
}
