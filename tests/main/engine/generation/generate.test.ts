import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainAnswer, explainGeneration, explainSettings, type ExplainedTokenEvent } from '../../../../main/engine/explain';
import { generate } from '../../../../main/engine/generation/generate';
import { PARITY_BUNDLES, concat, maxAbsDiff, maxRelDiff, readGeneration, readInputs } from '../../../shared/dexar/fixture-data';
import { buildGraphWorker } from '../../helpers/engine-worker';
import { openTiny } from '../open-model';

for (const bundle of PARITY_BUNDLES) {
  describe(`main/engine/generation/generate (${bundle})`, () => {
    let tiny: Awaited<ReturnType<typeof openTiny>>;
    beforeAll(async () => {
      tiny = await openTiny(bundle);
    });
    afterAll(() => tiny.release());

    it('greedy with the KV cache gives the reference tokens, logits and top-5', async () => {
      const ref = readGeneration(bundle);
      const streamed: number[] = [];
      const out = await generate(tiny.model, readInputs(bundle).prompt, tiny.image, { maxNewTokens: ref.steps, stopTokens: ref.stop_tokens }, (t) => {
        streamed.push(t.id);
      });
      expect(out.tokens.map((t) => t.id)).toEqual(ref.token_ids);
      expect(streamed).toEqual(ref.token_ids);
      expect(out.tokens.map((t) => t.text)).toEqual(ref.tokens);
      expect(out.stopReason).toBe('max-new-tokens');
      expect(maxAbsDiff(concat(out.tokens.map((t) => t.logits)), ref.logits.data)).toBeLessThan(1e-4);
      expect(out.tokens.map((t) => t.top.map((a) => a.id))).toEqual(ref.top5_ids);
      expect(maxAbsDiff(out.tokens.flatMap((t) => t.top.map((a) => a.prob)), ref.top5_probs.data)).toBeLessThan(1e-5);
    });

    it('stops at a stop token (kept) and when cancelled', async () => {
      const ref = readGeneration(bundle);
      const prompt = readInputs(bundle).prompt;
      const stop = ref.token_ids[1] as number;
      const out = await generate(tiny.model, prompt, tiny.image, { maxNewTokens: 10, stopTokens: [stop] });
      expect(out.tokens.map((t) => t.id)).toEqual(ref.token_ids.slice(0, ref.token_ids.indexOf(stop) + 1));
      expect(out.stopReason).toBe('stop-token');
      const ac = new AbortController();
      const cancelled = await generate(tiny.model, prompt, tiny.image, { maxNewTokens: 10, stopTokens: [], signal: ac.signal }, () => ac.abort());
      expect(cancelled.tokens).toHaveLength(1);
      expect(cancelled.stopReason).toBe('cancelled');
    });

    it('online explanation streams each map with its token and equals teacher forcing on the same answer', async () => {
      const prompt = readInputs(bundle).prompt;
      const settings = explainSettings(tiny.model);
      const events: ExplainedTokenEvent[] = [];
      const { generation, explanation } = await explainGeneration(tiny.model, prompt, tiny.image, { maxNewTokens: 5, stopTokens: [] }, settings, (e) => {
        events.push(e);
      });
      const ids = generation.tokens.map((t) => t.id);
      expect(ids).toEqual(readGeneration(bundle).token_ids);
      const forced = await explainAnswer(tiny.model, prompt, tiny.image, ids, settings);
      explanation.rows.forEach((row, t) => expect(maxRelDiff(row.gradient, forced.rows[t]?.gradient ?? [])).toBeLessThan(1e-4));
      expect(maxAbsDiff(explanation.maps.tokenWeights, forced.maps.tokenWeights)).toBeLessThan(1e-4);
      expect(maxAbsDiff(explanation.maps.sentenceMap, forced.maps.sentenceMap)).toBeLessThan(1e-4);
      expect(maxAbsDiff(concat(explanation.maps.tokenMaps), concat(forced.maps.tokenMaps))).toBeLessThan(1e-4);
      // The map that arrived with each token is the final E_t.
      expect(events.map((e) => e.token.id)).toEqual(ids);
      expect(maxAbsDiff(concat(events.map((e) => e.map)), concat(explanation.maps.tokenMaps))).toBeLessThan(1e-4);
      expect(maxAbsDiff(events.map((e) => e.delta), explanation.maps.tokenWeights)).toBe(0);
    });

    it('online explanation with the explain head on a graph thread gives the same result, in order', async () => {
      const threaded = await openTiny(bundle, { script: await buildGraphWorker('test-graph-worker'), roles: ['explain'] });
      try {
        const prompt = readInputs(bundle).prompt;
        const settings = explainSettings(tiny.model);
        const run = async (model: typeof tiny.model) => {
          const events: number[] = [];
          const out = await explainGeneration(model, prompt, tiny.image, { maxNewTokens: 6, stopTokens: [] }, settings, async (e) => {
            // A slow consumer must not reorder or drop tokens while the next head already runs.
            await new Promise((r) => setTimeout(r, 5));
            events.push(e.token.index);
          });
          return { out, events };
        };
        const here = await run(tiny.model);
        const there = await run(threaded.model);
        expect(there.events).toEqual([0, 1, 2, 3, 4, 5]);
        // Heads that waited go out together with a longer cache: equal up to float summation order.
        expect(there.out.generation.tokens.map((t) => t.id)).toEqual(here.out.generation.tokens.map((t) => t.id));
        expect(maxRelDiff(concat(there.out.explanation.rows.map((r) => r.gradient)), concat(here.out.explanation.rows.map((r) => r.gradient)))).toBeLessThan(1e-5);
        expect(maxAbsDiff(there.out.explanation.maps.sentenceMap, here.out.explanation.maps.sentenceMap)).toBeLessThan(1e-5);
        expect(maxAbsDiff(there.out.explanation.lensScores, here.out.explanation.lensScores)).toBeLessThan(1e-5);
      } finally {
        await threaded.release();
      }
    });
  });
}
