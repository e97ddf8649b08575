import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readModelSummary } from '../../../main/app/models';
import { ModelSummarySchema } from '../../../shared/api/runs';

const root = join(__dirname, '..', '..', '..');

describe('app/readModelSummary', () => {
  it("carries the bundle's default DEX-AR layers, which the run view shows as the layer default", async () => {
    const demo = await readModelSummary('shapes-llava-tiny', join(root, 'models', 'bundles', 'shapes-llava-tiny'));
    expect(ModelSummarySchema.parse(demo)).toEqual(demo);
    expect([demo.numLayers, demo.defaultLayers]).toEqual([4, [1, 2]]);
    const tiny = await readModelSummary('tiny-llama', join(root, 'tests', 'fixtures', 'bundles', 'tiny-llama'));
    expect(tiny.defaultLayers).toEqual(Array.from({ length: tiny.numLayers }, (_, l) => l));
  });
});
