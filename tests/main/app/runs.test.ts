import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/api/envelope';
import type { HeadMaps, RunFinish, RunProgress, RunView } from '../../../shared/api/runs';
import { bundlePath, fixturePath } from '../../shared/dexar/fixture-data';
import { buildEngineWorker } from '../helpers/engine-worker';

const TINY_LLAMA = bundlePath('tiny-llama');
const TINY_LLAMA_IMAGE = fixturePath('tiny-llama', 'image.png');
import { testServices } from '../helpers/services';

function ok<T>(envelope: Envelope<unknown>): T {
  expect(envelope).toMatchObject({ ok: true });
  return (envelope as { value: T }).value;
}

let services: ReturnType<typeof testServices>;
let imageSha: string;
const finished = new Map<string, RunFinish>();
const progress: RunProgress[] = [];

function finishOf(jobId: string): Promise<RunFinish> {
  return new Promise((resolve) => {
    const poll = () => {
      const done = finished.get(jobId);
      if (done) resolve(done);
      else setTimeout(poll, 20);
    };
    poll();
  });
}

beforeAll(async () => {
  services = testServices({ workerScript: await buildEngineWorker('test-app-runs') });
  services.events.attach((event, payload) => {
    if (event === 'onDidRunFinish') finished.set((payload as RunFinish).jobId, payload as RunFinish);
    if (event === 'onDidRunProgress') progress.push(payload as RunProgress);
  });
  const report = ok<{ imported: { sha256: string }[] }>(await services.dispatch('images.import', { paths: [TINY_LLAMA_IMAGE] }));
  imageSha = report.imported[0]?.sha256 as string;
}, 60_000);
afterAll(() => services.close());

const start = (extra: Record<string, unknown> = {}) =>
  services.dispatch('runs.start', { imageSha, prompt: 'Describe the image.', model: TINY_LLAMA, settings: { maxNewTokens: 4 }, ...extra });

describe('app/RunService', () => {
  it('generates and explains in the worker, streams tokens with maps, and saves the run', async () => {
    const { jobId, runId } = ok<{ jobId: string; runId: number | null }>(await start());
    expect(runId).toBeNull();
    const finish = await finishOf(jobId);
    expect(finish).toMatchObject({ status: 'complete', cached: false });
    const streamed = progress.filter((p) => p.jobId === jobId && p.phase === 'token');
    expect(streamed).toHaveLength(4);
    expect(streamed[0]?.map).toHaveLength(16);

    const view = ok<RunView>(await services.dispatch('runs.get', { runId: finish.runId }));
    expect(view.tokens).toHaveLength(4);
    expect(view.tokens.map((t) => t.text)).toEqual(streamed.map((p) => p.token?.text));
    const kinds = new Set(view.heatmaps.map((h) => h.kind));
    for (const kind of ['sentence', 'token', 'unfiltered', 'unfiltered-token', 'baseline-attention', 'baseline-random']) expect(kinds).toContain(kind);
    expect(view.heatmaps.filter((h) => h.kind === 'token')).toHaveLength(4);
    // The streamed map of each token is the stored one.
    const stored = view.heatmaps.find((h) => h.kind === 'token' && h.tokenIndex === 2);
    stored?.values.forEach((v, i) => expect(v).toBeCloseTo(streamed[2]?.map?.[i] ?? NaN, 5));
    expect(view.geometry).toMatchObject({ crop: { mode: 'center', size: [32, 32] } });
    expect(view.tokens.every((t) => t.prob > 0 && t.prob <= 1)).toBe(true);
    expect(ok<unknown[]>(await services.dispatch('runs.listForImage', { imageSha }))).toHaveLength(1);
  });

  it('keeps per-layer/head maps and filter weights that rebuild the token map', async () => {
    const heads = ok<HeadMaps>(await services.dispatch('runs.heads', { runId: 1, tokenIndex: 1 }));
    expect(heads.layers).toEqual([0, 1, 2, 3]);
    expect(heads.heads).toBe(4);
    expect(heads.maps).toHaveLength(16);
    // E_t = minmax(Σ_l Σ_h w·P̂): the stored details reproduce the stored token map.
    const sum = new Array<number>(16).fill(0);
    for (const m of heads.maps) m.values.forEach((v, i) => (sum[i] = (sum[i] as number) + (m.weight as number) * v));
    const lo = Math.min(...sum);
    const hi = Math.max(...sum);
    const rebuilt = sum.map((v) => (hi > lo ? (v - lo) / (hi - lo) : v));
    const view = ok<RunView>(await services.dispatch('runs.get', { runId: 1 }));
    const stored = view.heatmaps.find((h) => h.kind === 'token' && h.tokenIndex === 1);
    stored?.values.forEach((v, i) => expect(v).toBeCloseTo(rebuilt[i] as number, 5));
    expect(await services.dispatch('runs.heads', { runId: 1, tokenIndex: 99 })).toMatchObject({ ok: false, kind: 'not-found' });
  });

  it('saves analyst-edited layers beside the computed maps, which stay untouched', async () => {
    const view = ok<RunView>(await services.dispatch('runs.get', { runId: 1 }));
    const sentence = view.heatmaps.find((h) => h.kind === 'sentence');
    const values = sentence?.values.map((v, i) => (i < 4 ? 1 : v)) ?? [];
    const saved = ok<{ id: number; values: number[] }>(await services.dispatch('editedLayers.save', { runId: 1, name: 'my edit', gh: 4, gw: 4, values }));
    expect(saved.values.slice(0, 4)).toEqual([1, 1, 1, 1]);
    const updated = ok<{ id: number; values: number[] }>(await services.dispatch('editedLayers.save', { id: saved.id, runId: 1, name: 'my edit', gh: 4, gw: 4, values: values.map(() => 0) }));
    expect(updated.id).toBe(saved.id);
    expect(ok<{ values: number[] }[]>(await services.dispatch('editedLayers.list', { runId: 1 }))[0]?.values.every((v) => v === 0)).toBe(true);
    const after = ok<RunView>(await services.dispatch('runs.get', { runId: 1 }));
    expect(after.heatmaps.find((h) => h.kind === 'sentence')?.values).toEqual(sentence?.values);
    expect(await services.dispatch('editedLayers.save', { runId: 1, name: 'bad', gh: 4, gw: 4, values: [1, 2] })).toMatchObject({ ok: false, kind: 'validation' });
    expect(ok(await services.dispatch('editedLayers.delete', { id: saved.id }))).toEqual({ deleted: true });
  });

  it('answers a repeated request from the project without inference', async () => {
    const before = progress.length;
    const { jobId, runId } = ok<{ jobId: string; runId: number | null }>(await start());
    expect(runId).not.toBeNull();
    expect(await finishOf(jobId)).toMatchObject({ status: 'complete', cached: true, runId });
    expect(progress.slice(before).filter((p) => p.phase === 'token')).toHaveLength(0);
  });

  it('explains a given answer and a counterfactual alternative', async () => {
    const first = ok<RunView>(await services.dispatch('runs.get', { runId: 1 }));
    const answer = first.answer;
    const alternative = first.tokens[1]?.top5.find((a) => a.id !== first.tokens[1]?.id);
    const forced = await finishOf(ok<{ jobId: string }>(await start({ answer })).jobId);
    expect(forced.status).toBe('complete');
    const counterfactual = await finishOf(ok<{ jobId: string }>(await start({ answer, counterfactual: { position: 1, alternativeId: alternative?.id } })).jobId);
    expect(counterfactual.status).toBe('complete');
    const view = ok<RunView>(await services.dispatch('runs.get', { runId: counterfactual.runId }));
    expect(view.tokens[1]?.id).toBe(alternative?.id);
  });

  it('cancels a running job and saves nothing', async () => {
    const runsBefore = ok<unknown[]>(await services.dispatch('runs.listForImage', { imageSha })).length;
    const { jobId } = ok<{ jobId: string }>(await start({ settings: { maxNewTokens: 200, sampling: { strategy: 'sample', temperature: 1, topP: 1, seed: 7 } } }));
    ok(await services.dispatch('runs.cancel', { jobId }));
    expect(await finishOf(jobId)).toMatchObject({ status: 'cancelled', runId: null });
    expect(ok<unknown[]>(await services.dispatch('runs.listForImage', { imageSha }))).toHaveLength(runsBefore);
  });

  it('exports a run as a PDF report and an annotated PNG through the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dexar-export-'));
    const pdf = ok<{ path: string; bytes: number; redacted: boolean }>(await services.dispatch('reports.export', { source: { runId: 1 }, format: 'pdf', path: join(dir, 'run 1.pdf') }));
    expect(readFileSync(pdf.path).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.redacted).toBe(false);
    const png = ok<{ path: string }>(await services.dispatch('reports.export', { source: { runId: 1 }, format: 'png', path: join(dir, 'run 1.png'), map: { kind: 'token', index: 0 } }));
    expect(readFileSync(png.path).subarray(1, 4).toString()).toBe('PNG');
    expect(await services.dispatch('reports.export', { source: { runId: 1 }, format: 'pdf', path: 'relative.pdf' })).toMatchObject({ ok: false, kind: 'validation' });
  });

  it('refuses bad requests clearly', async () => {
    expect(await start({ prompt: '   ' })).toMatchObject({ ok: false, kind: 'validation', error: { message: expect.stringMatching(/prompt is empty/) } });
    expect(await start({ model: 'no-such-model' })).toMatchObject({ ok: false, kind: 'not-found' });
    expect(await start({ imageSha: 'a'.repeat(64) })).toMatchObject({ ok: false, kind: 'not-found' });
    expect(await start({ settings: { layers: '1;DROP' } })).toMatchObject({ ok: false, kind: 'validation' });
  });
});
