import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineWorker } from '../../../../main/engine/worker/client';
import type { WorkerProgress } from '../../../../main/engine/worker/protocol';
import { buildEngineWorker } from '../../helpers/engine-worker';
import { bundlePath, fixturePath, readInputs, readReference, maxAbsDiff } from '../../../shared/dexar/fixture-data';

let script: string;
let worker: EngineWorker;

// The worker runs built JavaScript, as in the app.
beforeAll(async () => {
  script = await buildEngineWorker('test-engine-worker');
  worker = new EngineWorker(script);
});

const request = (extra: Record<string, unknown> = {}) => ({
  model: bundlePath('tiny-llama'),
  imagePath: fixturePath('tiny-llama', 'image.png'),
  prompt: readInputs('tiny-llama').prompt,
  providers: ['cpu' as const],
  threads: 1,
  ...extra,
});

describe('main/engine/worker/EngineWorker', () => {
  afterAll(() => worker.terminate());

  it('explains in the worker thread with progress events', async () => {
    const phases: string[] = [];
    const { result } = worker.explain(request({ answer: readInputs('tiny-llama').answer }), (p) => phases.push(p.phase));
    const outcome = await result;
    expect(maxAbsDiff(outcome.explanation.maps.sentenceMap, readReference('tiny-llama', 'default').sentence_map.data)).toBeLessThan(1e-4);
    expect(outcome.document.tokens).toHaveLength(7);
    expect(phases).toEqual(['load', 'preprocess', 'explain', 'done']);
  });

  it('streams tokens with their maps and cancels within 200 ms', async () => {
    const tokens: WorkerProgress[] = [];
    let cancelledAt = 0;
    const running = worker.explain(request({ maxNewTokens: 200, stopTokens: [] }), (p) => {
      if (p.phase !== 'token') return;
      tokens.push(p);
      if (tokens.length === 3) {
        cancelledAt = performance.now();
        void running.cancel();
      }
    });
    await expect(running.result).rejects.toThrow(/cancelled/);
    expect(performance.now() - cancelledAt).toBeLessThan(200);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(tokens.length).toBeLessThan(200);
    const first = tokens[0] as Extract<WorkerProgress, { phase: 'token' }>;
    expect(first.map).toHaveLength(16);
    expect(first.top).toHaveLength(5);
    expect(first.prob).toBe(first.top[0]?.prob); // greedy: the chosen token is the most likely
  });

  it('terminates a worker that does not stop in time, and the next request gets a fresh one', async () => {
    const impatient = new EngineWorker(script, 0);
    try {
      const running = impatient.explain(request({ maxNewTokens: 200, stopTokens: [] }));
      const started = performance.now();
      await running.cancel();
      await expect(running.result).rejects.toThrow(/cancelled/);
      expect(performance.now() - started).toBeLessThan(200);
      const again = await impatient.explain(request({ answer: 'A circle.' })).result;
      expect(again.explanation.tokens.length).toBeGreaterThan(0);
    } finally {
      await impatient.terminate();
    }
  });

  it('returns engine errors as typed, prefixed errors', async () => {
    await expect(worker.explain(request({ prompt: ' ' })).result).rejects.toMatchObject({ kind: 'validation', message: expect.stringMatching(/^explain: explain: expected a non-empty prompt/) });
  });
});
