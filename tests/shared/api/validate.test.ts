import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, methods } from '../../../shared/api/contract';
import { DexarError, toErrorEnvelope, unwrapEnvelope, ValidationError } from '../../../shared/api/envelope';
import { assertMethodName, parseEventPayload, parseMethodInput, parseMethodOutput } from '../../../shared/api/validate';

describe('shared/api/validate', () => {
  it('accepts every method of the contract by name and nothing else', () => {
    for (const name of METHOD_NAMES) expect(assertMethodName(name)).toBe(name);
    expect(() => assertMethodName('app.exec')).toThrow(/unknown method "app.exec"/);
    expect(() => assertMethodName('__proto__')).toThrow(ValidationError);
    expect(() => assertMethodName(42)).toThrow(/unknown method 42/);
  });

  it('refuses unknown keys and wrong types with the method and field in the message', () => {
    expect(parseMethodInput('app.getInfo', {})).toEqual({});
    expect(() => parseMethodInput('app.getInfo', { rogue: 1 })).toThrow(/invalid input for app.getInfo: .*rogue/);
    expect(() => parseMethodInput('project.getCurrent', null)).toThrow(/invalid input for project.getCurrent/);
  });

  it('checks outputs so a buggy handler cannot leak malformed data', () => {
    const good = { name: 'p', path: '/tmp/p.dexar', isSample: false, imageCount: 3, runCount: 0 };
    expect(parseMethodOutput('project.getCurrent', good)).toEqual(good);
    expect(() => parseMethodOutput('project.getCurrent', { ...good, name: '' })).toThrow(/invalid output from project.getCurrent: name/);
  });

  it('validates event payloads', () => {
    expect(parseEventPayload('onDidNotify', { level: 'warning', message: 'CUDA unavailable, using CPU' }).level).toBe('warning');
    expect(() => parseEventPayload('onDidNotify', { level: 'loud', message: 'x' })).toThrow(/invalid payload for onDidNotify: level/);
  });

  it('every method has strict input and an output schema', () => {
    for (const name of METHOD_NAMES) {
      expect(methods[name].input.safeParse({ unexpected: true }).success, name).toBe(false);
      expect(methods[name].output, name).toBeDefined();
    }
  });
});

describe('shared/api/envelope', () => {
  it('round-trips typed errors with the method as prefix', () => {
    const envelope = toErrorEnvelope(new DexarError('not-found', 'no such run 7', 'RunNotFound'));
    expect(envelope).toEqual({ ok: false, error: { name: 'RunNotFound', message: 'no such run 7' }, kind: 'not-found' });
    expect(() => unwrapEnvelope('runs.get', envelope)).toThrow('runs.get: no such run 7');
    try {
      unwrapEnvelope('runs.get', envelope);
    } catch (err) {
      expect(err).toBeInstanceOf(DexarError);
      expect((err as DexarError).kind).toBe('not-found');
      expect((err as DexarError).name).toBe('RunNotFound');
    }
  });

  it('turns foreign throwables into internal errors and rejects malformed envelopes', () => {
    expect(toErrorEnvelope('boom').kind).toBe('internal');
    expect(toErrorEnvelope(new TypeError('bad')).error).toEqual({ name: 'TypeError', message: 'bad' });
    expect(unwrapEnvelope('app.getInfo', { ok: true, value: 3 })).toBe(3);
    expect(() => unwrapEnvelope('app.getInfo', { ok: false })).toThrow('app.getInfo: malformed response from host');
    expect(() => unwrapEnvelope('app.getInfo', undefined)).toThrow(/malformed/);
  });
});
