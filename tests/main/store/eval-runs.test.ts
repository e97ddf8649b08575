import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject, StoreInputError } from '../../../main/store';
import type { MetricsDocument } from '../../../shared/api/evaluation';
import { metricsDoc } from '../evaluation/fixtures/metrics-doc';

const temps: string[] = [];
afterEach(async () => {
  for (const t of temps.splice(0)) await rm(t, { recursive: true, force: true });
});
async function project() {
  const dir = await mkdtemp(join(tmpdir(), 'dexar-evalruns-'));
  temps.push(dir);
  return openProject(join(dir, 'p.dexar'), { create: true });
}

describe('store/evalRuns', () => {
  it('saves a metrics document and reads it back whole with its id', async () => {
    const p = await project();
    const id = p.saveEvalRun(metricsDoc());
    expect(p.listEvalRuns()).toEqual([{ ...metricsDoc(), id }]);
    expect(p.getEvalRun(id)).toEqual({ ...metricsDoc(), id });
    expect(p.getEvalRun(id + 1)).toBeUndefined();
    p.close();
  });

  it('updates the row when the same run is saved again after a resume, adds one for another run', async () => {
    const p = await project();
    const first = p.saveEvalRun(metricsDoc({ evaluated: 1 }));
    expect(p.saveEvalRun(metricsDoc({ evaluated: 2 }))).toBe(first);
    const other = p.saveEvalRun(metricsDoc({ headFilter: false, createdAt: '2026-11-28T00:00:00.000Z' }));
    const runs = p.listEvalRuns();
    expect(runs.map((r) => r.id)).toEqual([other, first]); // newest start first
    expect(runs[1]).toMatchObject({ complete: true, questions: { evaluated: 2 } });
    p.close();
  });

  it('refuses a document that is not a metrics.json and writes nothing', async () => {
    const p = await project();
    const bad = { ...metricsDoc(), overall: { questions: 1 } } as unknown as MetricsDocument;
    expect(() => p.saveEvalRun(bad)).toThrow(StoreInputError);
    expect(p.listEvalRuns()).toEqual([]);
    p.close();
  });
});
