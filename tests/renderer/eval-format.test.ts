import { describe, expect, it } from 'vitest';
import type { EvalSettings } from '../../shared/api/evaluation';
import { baseName, evalCommand, formatDate, formatLayers, formatMetric, formatPercent, methodLabel, questionsSummary, settingsSummary, shellWord } from '../../renderer/src/eval-format';

const SETTINGS: EvalSettings = {
  model: '/bundles/tiny',
  bundle_sha256: 'a'.repeat(64),
  dataset: '/data/shapes',
  annotations_sha256: 'b'.repeat(64),
  limit: null,
  methods: ['dexar', 'random'],
  perturbation: false,
  layers: [22, 23, 24, 25, 26, 27, 28, 29, 30, 31],
  top_k: 1,
  norm_twice_last: true,
  drop_column_after_image: true,
  head_filter: true,
  sequence_filter: false,
  seed: 0,
  extra_new_tokens: 8,
};

describe('eval-format/formatMetric', () => {
  it('rounds to the given decimals and shows a dash for missing values', () => {
    expect(formatMetric(0.12345)).toBe('0.123');
    expect(formatMetric(2, 1)).toBe('2.0');
    expect(formatMetric(0)).toBe('0.000');
    expect(formatMetric(null)).toBe('—');
    expect(formatMetric(undefined)).toBe('—');
    expect(formatMetric(Number.NaN)).toBe('—');
    expect(formatMetric(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('eval-format/formatPercent', () => {
  it('writes a share as a percentage with one decimal', () => {
    expect(formatPercent(7 / 12)).toBe('58.3 %');
    expect(formatPercent(1)).toBe('100.0 %');
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('eval-format/formatLayers', () => {
  it('compacts consecutive layers into ranges', () => {
    expect(formatLayers(SETTINGS.layers)).toBe('22–31');
    expect(formatLayers([0, 1, 2, 5])).toBe('0–2, 5');
    expect(formatLayers([5, 1, 0, 2, 2, 9, 8])).toBe('0–2, 5, 8–9');
    expect(formatLayers([3])).toBe('3');
    expect(formatLayers([])).toBe('none');
  });
});

describe('eval-format/formatDate', () => {
  it('writes local date and minutes; keeps an unparsable value as written', () => {
    // Built from local fields so the expectation holds in every time zone.
    const local = new Date(2026, 10, 27, 4, 5, 59);
    expect(formatDate(local.toISOString())).toBe('2026-11-27 04:05');
    expect(formatDate('yesterday')).toBe('yesterday');
  });
});

describe('eval-format/baseName', () => {
  it('takes the last segment of POSIX and Windows paths', () => {
    expect(baseName('/data/shapes-qa/')).toBe('shapes-qa');
    expect(baseName('C:\\data\\voc')).toBe('voc');
    expect(baseName('plain')).toBe('plain');
  });
});

describe('eval-format/settingsSummary', () => {
  it('names layers, top-k, both filters and perturbation when on', () => {
    expect(settingsSummary(SETTINGS)).toBe('layers 22–31 · top-k 1 · head filter on · sequence filter off');
    expect(settingsSummary({ ...SETTINGS, top_k: 3, head_filter: false, sequence_filter: true, perturbation: true })).toBe('layers 22–31 · top-k 3 · head filter off · sequence filter on · perturbation');
  });
});

describe('eval-format/questionsSummary', () => {
  it('puts the evaluated count before the selected one', () => {
    expect(questionsSummary({ questions: { selected: 12, evaluated: 5 } })).toBe('5 / 12 questions');
  });
});

describe('eval-format/methodLabel', () => {
  it('names the built-in methods and keeps unknown ones', () => {
    expect(methodLabel('dexar')).toBe('DEX-AR');
    expect(methodLabel('dexar-unfiltered')).toBe('DEX-AR unfiltered');
    expect(methodLabel('gradcam')).toBe('gradcam');
  });
});

describe('eval-format/evalCommand', () => {
  it('fills in the project path, quoted for the shell when needed', () => {
    expect(evalCommand('/home/a/audit.dexar')).toBe('npx dexar eval --model M --dataset DIR --out DIR --project /home/a/audit.dexar');
    expect(evalCommand("/home/a/my audit's.dexar")).toBe(`npx dexar eval --model M --dataset DIR --out DIR --project '/home/a/my audit'\\''s.dexar'`);
    expect(evalCommand(undefined)).toBe('npx dexar eval --model M --dataset DIR --out DIR --project FILE');
  });
  it('leaves safe words bare', () => {
    expect(shellWord('a-b_c.d/e')).toBe('a-b_c.d/e');
    expect(shellWord('')).toBe("''");
  });
});
