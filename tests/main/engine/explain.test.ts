import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainAlternative, explainAnswer, explainSettings } from '../../../main/engine/explain';
import { PARITY_BUNDLES, concat, maxAbsDiff, maxRelDiff, readInputs, readLogits, readReference } from '../../shared/dexar/fixture-data';
import { openTiny } from './open-model';

for (const bundle of PARITY_BUNDLES) {
  describe(`main/engine/explain/explainAnswer (${bundle} vs the PyTorch reference)`, () => {
    let tiny: Awaited<ReturnType<typeof openTiny>>;
    beforeAll(async () => {
      tiny = await openTiny(bundle);
    });
    afterAll(() => tiny.release());

    it('builds the prompt ids and image position of the fixture', () => {
      const inputs = readInputs(bundle);
      const { ids, imageStart } = tiny.model.promptIds(inputs.prompt);
      expect(ids).toEqual(inputs.expanded_ids);
      expect(imageStart).toBe(inputs.image_start);
      expect(tiny.model.answerIds(inputs.answer)).toEqual(inputs.answer_ids);
    });

    for (const which of ['default', 'variant'] as const) {
      it(`${which} settings: logits, G rows (1e-4 rel), lens scores, δ and maps (1e-4 abs)`, async () => {
        const inputs = readInputs(bundle);
        const ref = readReference(bundle, which);
        const settings = explainSettings(tiny.model, {
          layers: ref.settings.layers,
          topK: ref.settings.top_k,
          normTwiceLast: ref.settings.double_final_norm,
          dropColumnAfterImage: ref.settings.drop_column_after_image,
        });
        const ex = await explainAnswer(tiny.model, inputs.prompt, tiny.image, inputs.answer_ids, settings);
        expect(ex.layers).toEqual(ref.layers);
        expect(ex.tokens.map((t) => t.queryRow)).toEqual(ref.query_rows);
        expect(maxAbsDiff(ex.logits, readLogits(bundle).teacher_forced.data)).toBeLessThan(1e-4);
        ex.rows.forEach((row, t) => expect(maxRelDiff(row.gradient, ref.gradient_rows[t]?.data ?? []), `G rows of token ${t}`).toBeLessThan(1e-4));
        ex.rows.forEach((row, t) => expect(maxAbsDiff(row.attention ?? [], ref.attention_rows[t]?.data ?? [])).toBeLessThan(1e-5));
        expect(maxRelDiff(ex.lensScores, ref.lens_scores.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(ex.maps.tokenWeights, ref.token_weights.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(concat(ex.maps.tokenMaps), ref.token_maps.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(ex.maps.sentenceMap, ref.sentence_map.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(concat(ex.maps.unfilteredTokenMaps), ref.unfiltered_token_maps.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(ex.maps.unfilteredSentenceMap, ref.unfiltered_sentence_map.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(concat(ex.maps.attentionMaps ?? []), ref.attention_maps.data)).toBeLessThan(1e-5);
        expect(ex.tokens.map((t) => t.grounded)).toEqual(ref.token_weights.data.map((d) => d > 0));
      });
    }

    it('counterfactual: explains another token at one position, nothing else changes', async () => {
      const inputs = readInputs(bundle);
      // Single final norm: the last layer's lens score is then exactly the model's logit (every
      // layer explained, whatever the bundle's default range).
      const all = Array.from({ length: tiny.model.manifest.text.num_layers }, (_, l) => l);
      const settings = explainSettings(tiny.model, { normTwiceLast: false, layers: all });
      const base = await explainAnswer(tiny.model, inputs.prompt, tiny.image, inputs.answer_ids, settings);
      const position = 1;
      const alternative = base.tokens[position]?.top.find((a) => a.id !== inputs.answer_ids[position])?.id as number;
      const cf = await explainAlternative(tiny.model, inputs.prompt, tiny.image, inputs.answer_ids, position, alternative, settings);
      const k = cf.layers.length;
      const vocab = tiny.model.manifest.text.vocab_size;
      expect(cf.tokens[position]?.id).toBe(alternative);
      expect(cf.lensScores[position * k + k - 1]).toBeCloseTo(cf.logits[position * vocab + alternative] as number, 4);
      expect(maxAbsDiff(cf.rows[position]?.gradient ?? [], base.rows[position]?.gradient ?? [])).toBeGreaterThan(1e-6);
      for (const t of [0, 2]) expect(maxAbsDiff(cf.rows[t]?.gradient ?? [], base.rows[t]?.gradient ?? [])).toBe(0);
      await expect(explainAlternative(tiny.model, inputs.prompt, tiny.image, inputs.answer_ids, 99, alternative, settings)).rejects.toThrow(/position in \[0, /);
    });
  });
}

describe('main/engine/model/errors', () => {
  it('refuses a prompt that contains the image placeholder, and one past the context', async () => {
    const tiny = await openTiny('tiny-mistral');
    try {
      expect(() => tiny.model.promptIds('look at <image> here')).toThrow(/exactly one image placeholder \(<image>\) after templating, found 2/);
      const long = Array.from({ length: 300 }, () => 'red').join(' ');
      await expect(explainAnswer(tiny.model, long, tiny.image, [9], explainSettings(tiny.model))).rejects.toMatchObject({ kind: 'validation', message: expect.stringMatching(/at most 256 positions/) });
    } finally {
      await tiny.release();
    }
  });
});
