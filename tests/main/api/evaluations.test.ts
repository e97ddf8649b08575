import { afterAll, describe, expect, it } from 'vitest';
import { testServices } from '../helpers/services';
import { metricsDoc } from '../evaluation/fixtures/metrics-doc';

const services = testServices();
afterAll(() => services.close());

describe('main/api/evaluations.list', () => {
  it('returns the evaluation runs stored in the open project through the validated contract', async () => {
    expect(await services.dispatch('evaluations.list', {})).toEqual({ ok: true, value: [] });
    const id = (await services.workspace.project()).saveEvalRun(metricsDoc());
    const result = await services.dispatch('evaluations.list', {});
    expect(result).toEqual({ ok: true, value: [{ ...metricsDoc(), id }] });
    expect(await services.dispatch('evaluations.list', { extra: 1 })).toMatchObject({ ok: false, kind: 'validation' });
  });
});
