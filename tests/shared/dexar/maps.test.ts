import { describe, expect, it } from 'vitest';
import { onlineTokenMap, tokenEvidence, type TokenEvidence } from '../../../shared/dexar/evidence';
import { combineEvidence } from '../../../shared/dexar/maps';
import { PARITY_BUNDLES, concat, maxAbsDiff, maxRelDiff, readReference } from './fixture-data';

describe('shared/dexar/combineEvidence (hand-computed)', () => {
  // One layer, two heads, image = columns 1..2 (N = 2), q = 4, official column drop (X = 0, 4).
  const layout = { layers: 1, heads: 2, image: { start: 1, count: 2 } };
  const options = { topK: 1, dropColumnAfterImage: true };
  const token1 = tokenEvidence(
    {
      queryRow: 4,
      // head 0: image [2, 1], text max 1 → w = 1;  head 1: image [0, 3], text max 5 → w = 0
      gradient: new Float32Array([1, 2, 1, 9, -1, 5, 0, 3, -9, 0]),
      attention: new Float32Array([0.1, 0.2, 0.3, 0.2, 0.2, 0, 0.5, 0.1, 0.4, 0]),
    },
    layout,
    options,
  );
  const token2 = tokenEvidence(
    { queryRow: 5, gradient: new Float32Array([0, 1, 4, 0, 0, 0, 0, 0, 2, 0, 0, 0]), attention: null },
    layout,
    options,
  );

  it('scores heads and tokens', () => {
    expect([...token1.visualScores]).toEqual([2, 3]);
    expect([...token1.textScores]).toEqual([1, 5]);
    expect([...token1.headWeights]).toEqual([1, 0]);
    expect(token1.tokenWeight).toBe(0); // best Sv 3 < best Stxt 5
    expect([...token2.headWeights]).toEqual([4, 2]); // image [1, 4] and [0, 2], text (0, 4, 5) all 0
    expect(token2.tokenWeight).toBe(4);
    expect([...(token1.attentionMap ?? [])].map((v) => +v.toFixed(6))).toEqual([0.35, 0.2]);
  });

  it('normalises globally and builds per-token and sentence maps', () => {
    const maps = combineEvidence([token1, token2], 2);
    // global P^img values: [2,1,0,3] and [1,4,0,2] → min 0, max 4
    expect([...(maps.normalisedRelevance[0] as Float64Array)]).toEqual([0.5, 0.25, 0, 0.75]);
    expect([...(maps.tokenMaps[0] as Float64Array)]).toEqual([1, 0]); // w·P̂ = [0.5, 0.25]
    expect([...(maps.tokenMaps[1] as Float64Array)]).toEqual([0, 1]); // 4·[0.25, 1] + 2·[0, 0.5]
    expect([...(maps.unfilteredTokenMaps[0] as Float64Array)]).toEqual([0, 1]); // [0.5, 1]
    expect([...maps.sentenceMap]).toEqual([0, 1]); // δ1 = 0, so token 2 alone
    expect([...maps.unfilteredSentenceMap]).toEqual([0, 1]); // [0.5, 1] + [0.25, 1.5]
    expect(maps.attentionMaps).toBeNull(); // token 2 carried no attention rows
  });
});

describe('shared/dexar maps vs the PyTorch reference fixtures', () => {
  for (const bundle of PARITY_BUNDLES) {
    for (const which of ['default', 'variant'] as const) {
      it(`${bundle} ${which}: scores, δ, P̂ and maps within 1e-4 from the G rows`, () => {
        const ref = readReference(bundle, which);
        const [, heads] = ref.gradient_rows[0]?.shape as number[];
        const layout = { layers: ref.layers.length, heads: heads as number, image: { start: ref.image_start, count: ref.grid[0] * ref.grid[1] } };
        const options = { topK: ref.settings.top_k, dropColumnAfterImage: ref.settings.drop_column_after_image };
        const headRows = layout.layers * layout.heads;
        const tokens: TokenEvidence[] = ref.query_rows.map((q, t) =>
          tokenEvidence(
            { queryRow: q, gradient: Float32Array.from(ref.gradient_rows[t]?.data ?? []), attention: Float32Array.from(ref.attention_rows[t]?.data ?? []) },
            layout,
            options,
          ),
        );
        tokens.forEach((tok, t) => expect([...tok.textColumns]).toEqual(ref.text_columns[t]));
        const maps = combineEvidence(tokens, headRows);
        expect(maxAbsDiff(concat(tokens.map((t) => t.imageRelevance)), ref.image_relevance.data.map(Math.fround))).toBe(0);
        expect(maxRelDiff(concat(tokens.map((t) => t.visualScores)), ref.visual_scores.data)).toBeLessThan(1e-6);
        expect(maxRelDiff(concat(tokens.map((t) => t.textScores)), ref.text_scores.data)).toBeLessThan(1e-6);
        expect(maxAbsDiff(concat(tokens.map((t) => t.headWeights)), ref.head_weights.data)).toBeLessThan(1e-6);
        expect(maxAbsDiff(maps.tokenWeights, ref.token_weights.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(concat(maps.normalisedRelevance), ref.normalised_relevance.data)).toBeLessThan(1e-6);
        expect(maxAbsDiff(concat(maps.tokenMaps), ref.token_maps.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(maps.sentenceMap, ref.sentence_map.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(concat(maps.unfilteredTokenMaps), ref.unfiltered_token_maps.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(maps.unfilteredSentenceMap, ref.unfiltered_sentence_map.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(concat(maps.attentionMaps ?? []), ref.attention_maps.data)).toBeLessThan(1e-6);
        // Online maps (before the other tokens exist) equal the final ones.
        expect(maxAbsDiff(concat(tokens.map((t) => onlineTokenMap(t, headRows))), ref.token_maps.data)).toBeLessThan(1e-4);
        // The fixture is not degenerate: some token is visually grounded and the maps vary.
        expect(Math.max(...ref.token_weights.data)).toBeGreaterThan(0);
      });
    }
  }
});
