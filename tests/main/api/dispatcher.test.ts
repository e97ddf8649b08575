import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../main/api/dispatcher';
import { createHandlers } from '../../../main/api/handlers';
import { DexarError } from '../../../shared/api/envelope';
import { testServices } from '../helpers/services';

const services = testServices();
const base = createHandlers({ host: 'headless', workspace: services.workspace, runs: services.runs, events: services.events });

describe('main/api/createDispatcher', () => {
  it('answers valid calls with ok envelopes', async () => {
    const dispatch = createDispatcher(base);
    const result = await dispatch('project.getCurrent', {});
    expect(result).toEqual({
      ok: true,
      value: { name: 'Sample project', path: `${services.dataDir}/Sample project.dexar`, isSample: true, imageCount: 0, runCount: 0 },
    });
  });

  it('turns unknown methods and bad payloads into validation envelopes without calling handlers', async () => {
    let called = 0;
    const dispatch = createDispatcher({ ...base, 'app.getInfo': () => (called++, base['app.getInfo']({})) });
    expect(await dispatch('app.nope', {})).toMatchObject({ ok: false, kind: 'validation' });
    expect(await dispatch('app.getInfo', 'not an object')).toMatchObject({ ok: false, kind: 'validation' });
    expect(called).toBe(0);
  });

  it('keeps handler failures typed and refuses malformed handler output', async () => {
    const failing: Handlers = { ...base, 'project.getCurrent': () => Promise.reject(new DexarError('not-found', 'project file is gone')) };
    expect(await createDispatcher(failing)('project.getCurrent', {})).toEqual({
      ok: false,
      error: { name: 'DexarError', message: 'project file is gone' },
      kind: 'not-found',
    });
    const broken = { ...base, 'project.getCurrent': () => ({ name: 'x' }) } as unknown as Handlers;
    const result = await createDispatcher(broken)('project.getCurrent', {});
    expect(result).toMatchObject({ ok: false, kind: 'internal', error: { name: 'ContractError' } });
    expect(!result.ok && result.error.message).toMatch(/invalid output from project.getCurrent/);
  });
});
