import { describe, expect, it } from 'vitest';
import { metricsCsv, summarise, summariseByGroup } from '../../../main/evaluation/aggregate';
import type { MethodScore, QuestionRecord } from '../../../main/evaluation/question';

const curve = (slope: number) => Array.from({ length: 10 }, (_, k) => 1 + slope * k);
function record(id: string, group: string, correct: boolean, score: MethodScore): QuestionRecord {
  return { id, group, expected: 'a', predicted: correct ? 'a' : 'b', correct, tokens: 3, grounded_tokens: score.hits.length, perplexity: 2, methods: { dexar: score }, seconds: 0 };
}
const records = [
  record('q1', 'where', true, { hits: [1, 0], soft_iou: 0.5, snr_map: 2, w_grounded: [0.4, 0.2], w_linguistic: [0.1], perturbation: { positive: curve(0.1), negative: curve(0), auc_positive: 1.3, auc_negative: 0.9 } }),
  record('q2', 'count', false, { hits: [0.5], soft_iou: 0.25, snr_map: null, w_grounded: [0.3], w_linguistic: [0, 0.2], perturbation: { positive: curve(0.3), negative: curve(0.1), auc_positive: 2.1, auc_negative: 1.3 } }),
  record('q3', 'where', false, { hits: [], soft_iou: null, snr_map: null, w_grounded: [], w_linguistic: [0.3] }),
];

describe('evaluation/summarise', () => {
  it('pools tokens, averages over questions where a metric is defined', () => {
    const s = summarise(records, ['dexar']);
    expect(s.questions).toBe(3);
    expect(s.accuracy).toBeCloseTo(1 / 3, 12);
    const m = s.methods.dexar;
    expect(m?.pointing_game).toBeCloseTo(0.5, 12); // (1 + 0 + 0.5) / 3 tokens
    expect(m?.grounded_tokens).toBe(3);
    expect(m?.soft_iou).toBeCloseTo(0.375, 12); // q3 has no grounded mask
    expect(m?.soft_iou_questions).toBe(2);
    expect(m?.snr_map_mean).toBe(2);
    expect(m?.snr_map_questions).toBe(1);
    expect(m?.grounded_weight_mean).toBeCloseTo(0.3, 12); // (0.4 + 0.2 + 0.3) / 3
    expect(m?.linguistic_weight_mean).toBeCloseTo(0.15, 12); // (0.1 + 0 + 0.2 + 0.3) / 4
    expect(m?.snr_tokens).toBeCloseTo(2, 12);
    expect(m?.perturbation?.questions).toBe(2);
    expect(m?.perturbation?.auc_positive).toBeCloseTo(1.7, 12);
    expect(m?.perturbation?.auc_negative).toBeCloseTo(1.1, 12);
    expect(m?.perturbation?.auc_positive_median).toBeCloseTo(1.7, 12); // two values: median = mean
    expect(m?.perturbation?.positive_curve[9]).toBeCloseTo(1 + 0.2 * 9, 12); // mean slope 0.2
  });
  it('leaves SNR_tokens undefined when linguistic tokens weigh nothing, and says why with the means', () => {
    const s = summarise([record('q', 'g', true, { hits: [1], soft_iou: 1, snr_map: null, w_grounded: [0.5], w_linguistic: [0, 0] })], ['dexar']);
    expect(s.methods.dexar).toMatchObject({ snr_tokens: null, grounded_weight_mean: 0.5, linguistic_weight_mean: 0, perturbation: null });
  });
  it('names the question that lacks a method', () => {
    expect(() => summarise(records, ['random'])).toThrow(/method random in question q1, found dexar/);
  });
});

describe('evaluation/summariseByGroup, metricsCsv', () => {
  it('groups in first-seen order and writes one CSV row per group and method, overall first', () => {
    const s = summariseByGroup(records, ['dexar']);
    expect(Object.keys(s.groups)).toEqual(['where', 'count']);
    expect(s.groups.where?.questions).toBe(2);
    expect(s.groups.count?.methods.dexar?.snr_map_mean).toBeNull();
    const settings = { model: 'shapes-llava-tiny', bundle_sha256: 'ab12', dataset: 'models/samples', layers: [1, 2], top_k: 1, norm_twice_last: true, head_filter: true, sequence_filter: false };
    const csv = metricsCsv({ settings, ...s }).trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]?.split(',').slice(0, 10)).toEqual(['model', 'bundle_sha256', 'dataset', 'layers', 'top_k', 'norm_twice_last', 'head_filter', 'sequence_filter', 'group', 'method']);
    const run = 'shapes-llava-tiny,ab12,models/samples,1 2,1,true,true,false';
    expect(csv[1]).toBe(`${run},overall,dexar,3,0.333333,0.5,3,0.375,2,2,2,1,2,1.7,1.1,1.7,1.1`);
    expect(csv[3]).toBe(`${run},count,dexar,1,0,0.5,1,0.25,1,,,0,3,2.1,1.3,2.1,1.3`); // SNR_tokens 0.3 / mean(0, 0.2)
  });
});
