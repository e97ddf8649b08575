/** Runtime checks of payloads against the contract, shared by both hosts and the preload. */
import { DexarError, describeZodError, ValidationError } from './envelope';
import {
  events,
  isEventName,
  isMethodName,
  methods,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
} from './contract';

export function assertMethodName(name: unknown): MethodName {
  if (!isMethodName(name)) {
    throw new ValidationError(`unknown method ${JSON.stringify(name)}`);
  }
  return name;
}

export function assertEventName(name: unknown): EventName {
  if (!isEventName(name)) {
    throw new ValidationError(`unknown event ${JSON.stringify(name)}`);
  }
  return name;
}

/** Parses a method's input; the error names the method and every offending field. */
export function parseMethodInput<M extends MethodName>(method: M, raw: unknown) {
  const result = methods[method].input.safeParse(raw);
  if (!result.success) {
    throw new ValidationError(`invalid input for ${method}: ${describeZodError(result.error)}`);
  }
  return result.data;
}

export function parseMethodOutput<M extends MethodName>(method: M, raw: unknown): MethodOutput<M> {
  const result = methods[method].output.safeParse(raw);
  if (!result.success) {
    // A handler broke the contract: a bug on the Node side, not the caller's mistake.
    throw new DexarError('internal', `invalid output from ${method}: ${describeZodError(result.error)}`, 'ContractError');
  }
  return result.data as MethodOutput<M>;
}

export function parseEventPayload<E extends EventName>(event: E, raw: unknown): EventPayload<E> {
  const result = events[event].safeParse(raw);
  if (!result.success) {
    throw new ValidationError(`invalid payload for ${event}: ${describeZodError(result.error)}`);
  }
  return result.data as EventPayload<E>;
}
