import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError, Engine } from '../../../main/engine/engine';
import { bundlePath, fixturePath, readInputs } from '../../shared/dexar/fixture-data';

const engine = new Engine({ graphWorker: null });

describe('main/engine/Engine.explain', () => {
  afterAll(() => engine.close());

  it('reports a cancel that lands before the first token as a cancellation, not an error', async () => {
    const ac = new AbortController();
    const run = engine.explain(
      { model: bundlePath('tiny-llama'), imagePath: fixturePath('tiny-llama', 'image.png'), prompt: readInputs('tiny-llama').prompt, providers: ['cpu'], threads: 1, maxNewTokens: 8 },
      (p) => {
        if (p.phase === 'explain') ac.abort();
      },
      ac.signal,
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
