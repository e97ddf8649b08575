import { describe, expect, it } from 'vitest';
import type { GroupSummary, MethodSummary } from '../../shared/api/evaluation';
import { groupKeys, groupSummary, keepSelection, METRIC_COLUMNS, methodOrder, OVERALL } from '../../renderer/src/eval-table';

const METHOD: MethodSummary = {
  pointing_game: 0.5,
  grounded_tokens: 8,
  soft_iou: 0.21,
  soft_iou_questions: 4,
  snr_map_mean: 1.9,
  snr_map_median: 1.7,
  snr_map_questions: 4,
  snr_tokens: null,
  grounded_weight_mean: 0.3,
  linguistic_weight_mean: 0,
  perturbation: { percents: [0, 10], positive_curve: [1, 1.4], negative_curve: [1, 1.1], auc_positive: 0.11, auc_negative: 0.09, auc_positive_median: 0.12, auc_negative_median: 0.08, questions: 4 },
};
const group = (questions: number, methods: Record<string, MethodSummary>): GroupSummary => ({ questions, accuracy: 0.25, methods });
const RUN = {
  settings: { methods: ['random', 'dexar', 'attention'] },
  overall: group(4, { dexar: METHOD, random: METHOD }),
  groups: { what_color: group(1, { dexar: METHOD }), where: group(3, { dexar: METHOD, random: METHOD }) },
};

describe('eval-table/METRIC_COLUMNS', () => {
  it('reads every metric of a method, the perturbation AUCs included', () => {
    expect(Object.fromEntries(METRIC_COLUMNS.map((c) => [c.key, c.value(METHOD)]))).toEqual({
      pointing_game: 0.5,
      soft_iou: 0.21,
      snr_map_mean: 1.9,
      snr_map_median: 1.7,
      snr_tokens: null,
      auc_positive: 0.11,
      auc_positive_median: 0.12,
      auc_negative: 0.09,
      auc_negative_median: 0.08,
    });
  });
  it('gives null AUCs for a run without perturbation', () => {
    const none = { ...METHOD, perturbation: null };
    expect(METRIC_COLUMNS.filter((c) => c.key.startsWith('auc')).map((c) => c.value(none))).toEqual([null, null, null, null]);
  });
});

describe('eval-table/groupKeys', () => {
  it('lists overall first, then the groups in metrics.json order', () => {
    expect(groupKeys(RUN)).toEqual([OVERALL, 'what_color', 'where']);
  });
});

describe('eval-table/groupSummary', () => {
  it('returns the named group, overall for overall or an unknown key', () => {
    expect(groupSummary(RUN, 'where')).toBe(RUN.groups.where);
    expect(groupSummary(RUN, OVERALL)).toBe(RUN.overall);
    expect(groupSummary(RUN, 'count')).toBe(RUN.overall);
  });
});

describe('eval-table/methodOrder', () => {
  it('follows the run settings and skips methods a group lacks', () => {
    expect(methodOrder(RUN, RUN.overall)).toEqual(['random', 'dexar']);
    expect(methodOrder(RUN, RUN.groups.what_color)).toEqual(['dexar']);
  });
  it('appends methods the settings do not name', () => {
    expect(methodOrder(RUN, group(1, { gradcam: METHOD, dexar: METHOD }))).toEqual(['dexar', 'gradcam']);
  });
});

describe('eval-table/keepSelection', () => {
  it('keeps a run that still exists, else picks the newest', () => {
    const runs = [{ id: 9 }, { id: 4 }];
    expect(keepSelection(runs, 4)).toBe(4);
    expect(keepSelection(runs, 7)).toBe(9);
    expect(keepSelection(runs, undefined)).toBe(9);
    expect(keepSelection([], 4)).toBeUndefined();
  });
});
