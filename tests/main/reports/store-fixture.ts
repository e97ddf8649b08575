/** A temporary project with the fixture scene, a model with display geometry, and runs on demand. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openProject, type Project } from '../../../main/store';
import { GRID, hotMap, makeCase, MODEL_SHA } from './fixtures';

export const GEOMETRY = { pad: { mode: 'square' }, resize: { enabled: true, mode: 'exact', size: [224, 224] }, crop: { mode: 'none', size: [224, 224] } } as const;

export function storeTokens(texts: string[], deltas: number[]) {
  return texts.map((text, index) => ({ index, id: 100 + index, text, delta: deltas[index]!, grounded: deltas[index]! > 0.1, prob: 0.9, top5: [] }));
}

export class StoreFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'dexar-report-store-'));
  readonly path = join(this.dir, 'audit.dexar');
  readonly project: Project = openProject(this.path, { create: true });
  imageSha = '';

  async init(): Promise<this> {
    const c = await makeCase();
    this.imageSha = (await this.project.importImageBytes(Buffer.from(c.image.bytes), 'meadow-circle.png')).image.sha256;
    this.project.addModel({ sha256: MODEL_SHA, name: 'shapes-llava-tiny', manifest: { name: 'shapes-llava-tiny', geometry: GEOMETRY } });
    return this;
  }

  saveRun(prompt: string, vary: { deltas?: number[]; settings?: Record<string, unknown> } = {}): number {
    const map = hotMap();
    return this.project.saveRun({
      imageSha: this.imageSha,
      promptText: prompt,
      modelSha: MODEL_SHA,
      settings: vary.settings ?? { layers: '2-3', topK: 1 },
      provenance: { appVersion: '0.1.0', providers: { vision: 'cpu', decoder: 'cpu' } },
      timings: { total: 12 },
      answer: 'The circle is orange.',
      tokens: storeTokens(['The', ' circle', ' is', ' orange', '.'], vary.deltas ?? [0, 0.6, 0, 0.8, 0.02]),
      heatmaps: [
        { kind: 'sentence', tokenIndex: null, gh: GRID, gw: GRID, values: map },
        ...[0, 1, 2, 3, 4].map((t) => ({ kind: 'token' as const, tokenIndex: t, gh: GRID, gw: GRID, values: map.map((v) => (v * (t + 1)) / 5) })),
      ],
    });
  }

  dispose(): void {
    this.project.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
