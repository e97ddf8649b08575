import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseFromRun, casesFromGallery, galleryRunIds } from '../../../main/reports/from-store';
import { renderAnnotatedPng } from '../../../main/reports/annotated';
import type { Project } from '../../../main/store';
import { GRID, HEIGHT, hotMap, MODEL_SHA, rawRgb, SECRET, WIDTH } from './fixtures';
import { GEOMETRY, StoreFixture, storeTokens as tokens } from './store-fixture';

let store: StoreFixture;
let project: Project;
let imageSha: string;
const saveRun = (prompt: string) => store.saveRun(prompt);

beforeEach(async () => {
  store = await new StoreFixture().init();
  project = store.project;
  imageSha = store.imageSha;
});
afterEach(() => store.dispose());

describe('reports/caseFromRun', () => {
  it('maps a stored run, its maps and findings onto a report case', async () => {
    const runId = saveRun('What color is the circle?');
    project.addAnnotation({ runId, tag: 'wrong-attribute', severity: 'high', notes: 'red, not orange', tokenSpan: { start: 3, end: 4 }, regions: [{ shape: 'box', x: 196, y: 76, width: 88, height: 88 }] });
    project.addAnnotation({ runId, tag: 'other', severity: 'low', regions: [{ shape: 'box', ...SECRET }], sensitive: true });
    const c = caseFromRun(project, runId);
    expect(c.title).toBe(`Run ${runId}`);
    expect([c.image.width, c.image.height, c.image.name]).toEqual([WIDTH, HEIGHT, 'meadow-circle.png']);
    expect(c.prompt).toBe('What color is the circle?');
    expect(c.answer).toBe('The circle is orange.');
    expect(c.overlay.label).toBe('Sentence map (DEX-AR)');
    expect(c.overlay.geometry).toEqual(GEOMETRY);
    // Stored as float32: equal to fp32 precision.
    c.overlay.values.forEach((v, i) => expect(v).toBeCloseTo(hotMap()[i]!, 6));
    expect(c.tokenMaps.map((m) => m.tokenIndex)).toEqual([1, 3]);
    expect(c.annotations.map((a) => [a.tag, a.regions[0]!.sensitive])).toEqual([['wrong-attribute', false], ['other', true]]);
    expect(c.provenance).toEqual({ modelName: 'shapes-llava-tiny', modelSha256: MODEL_SHA, provider: 'cpu', settings: { layers: '2-3', topK: 1 }, appVersion: '0.1.0' });

    // The case renders, and the store's sensitive flag redacts the region.
    const out = await rawRgb(await renderAnnotatedPng(c));
    const orig = await rawRgb(c.image.bytes);
    expect([out.width, out.height]).toEqual([WIDTH, HEIGHT]);
    let diff = 0;
    for (let y = SECRET.y + 6; y < SECRET.y + SECRET.height - 6; y++) for (let x = SECRET.x + 6; x < SECRET.x + SECRET.width - 6; x++) diff += Math.abs(out.data[(y * WIDTH + x) * 3]! - orig.data[(y * WIDTH + x) * 3]!);
    expect(diff / (68 * 68)).toBeGreaterThan(40);
  });

  it('overlays a chosen token map and says which', () => {
    const runId = saveRun('What color is the circle?');
    const c = caseFromRun(project, runId, { map: { kind: 'token', index: 3 } });
    expect(c.overlay.label).toBe('Token 3 “orange” (DEX-AR)');
    expect(c.overlay.values[3 * GRID + 5]).toBeCloseTo(hotMap()[3 * GRID + 5]! * 0.8, 5);
  });

  it('shows the settings a run used and its status', () => {
    const runId = project.saveRun({
      imageSha,
      promptText: 'What color is the circle?',
      modelSha: MODEL_SHA,
      settings: { layers: null, topK: 1, answer: null, maxNewTokens: 32 },
      provenance: { appVersion: '0.1.0', settings: { layers: [1, 2], defaultLayerCount: 10, topK: 1, normTwiceLast: true } },
      timings: {},
      answer: 'The circle',
      status: 'cancelled',
      tokens: tokens(['The', 'circle'], [0, 0.5]),
      heatmaps: [{ kind: 'sentence', tokenIndex: null, gh: GRID, gw: GRID, values: hotMap() }],
    });
    const c = caseFromRun(project, runId);
    expect(c.provenance.settings).toEqual({ layers: [1, 2], topK: 1, maxNewTokens: 32, normTwiceLast: true });
    expect(c.status).toBe('cancelled');
  });

  it('names the missing run or model geometry', () => {
    expect(() => caseFromRun(project, 99)).toThrow(/run 99 is not in this project/);
    project.addModel({ sha256: 'b'.repeat(64), name: 'bare', manifest: {} });
    const runId = project.saveRun({ imageSha, promptText: 'q', modelSha: 'b'.repeat(64), settings: {}, provenance: {}, timings: {}, answer: 'a', tokens: tokens(['a'], [0]), heatmaps: [{ kind: 'sentence', tokenIndex: null, gh: 2, gw: 2, values: [0, 0, 0, 1] }] });
    expect(() => caseFromRun(project, runId)).toThrow(/has no preprocessing geometry/);
  });
});

describe('reports/casesFromGallery', () => {
  it('takes the pinned runs and the runs matching the saved filter', () => {
    const tagged = saveRun('What color is the circle?');
    const pinned = saveRun('Where is the circle?');
    saveRun('How many circles are there?');
    project.addAnnotation({ runId: tagged, tag: 'wrong-attribute', severity: 'high' });
    const galleryId = project.createGallery('colour errors', { tags: ['wrong-attribute'] });
    project.pinRun(galleryId, pinned);
    expect(galleryRunIds(project, galleryId)).toEqual([pinned, tagged]);
    expect(casesFromGallery(project, galleryId).map((c) => c.prompt)).toEqual(['Where is the circle?', 'What color is the circle?']);
    expect(() => galleryRunIds(project, 404)).toThrow(/gallery 404/);
  });
});
