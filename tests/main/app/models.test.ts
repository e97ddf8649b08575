import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelSummary } from '../../../main/app/models';
import { ModelSummarySchema } from '../../../shared/api/runs';

const root = join(__dirname, '..', '..', '..');
const DEMO = join(root, 'models', 'bundles', 'shapes-llava-tiny');

describe('app/readModelSummary', () => {
  it("carries the bundle's default DEX-AR layers, which the run view shows as the layer default", async () => {
    const demo = await readModelSummary('shapes-llava-tiny', DEMO);
    expect(ModelSummarySchema.parse(demo)).toEqual(demo);
    expect([demo.numLayers, demo.defaultLayers]).toEqual([4, [0, 1, 2, 3]]); // models/checkpoints/shapes-llava-tiny/explain.json
    const tiny = await readModelSummary('tiny-llama', join(root, 'tests', 'fixtures', 'bundles', 'tiny-llama'));
    expect(tiny.defaultLayers).toEqual(Array.from({ length: tiny.numLayers }, (_, l) => l));
  });

  it("takes a narrower default range from the manifest, not from the layer count", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dexar-model-'));
    try {
      const manifest = JSON.parse(readFileSync(join(DEMO, 'manifest.json'), 'utf8')) as { explain: { default_layers: number[] } };
      manifest.explain.default_layers = [1, 2];
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      expect((await readModelSummary('narrow', dir)).defaultLayers).toEqual([1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
