/**
 * Pools per-question records into the DESIGN §4 numbers, overall and per group:
 * - accuracy: share of questions whose greedy answer matches exactly (normalised);
 * - pointing game: mean over every grounded token of every question (pooled);
 * - Soft-IoU and SNR_map: mean over questions with a grounded mask (SNR_map also its median, over
 *   the questions where it is defined);
 * - SNR_tokens: pooled mean weight of grounded tokens / of linguistic tokens; both means are
 *   reported too, since the ratio is undefined when linguistic tokens weigh 0 (DEX-AR's ideal);
 * - perturbation: mean PPL_p/PPL_0 curve, mean and median AUC per direction.
 */
import type { EvalSettings, GroupSummary, MethodSummary } from '../../shared/api/evaluation';
import { mean, median } from '../../shared/stats';
import { PERTURBATION_STEPS } from './metrics';
import type { QuestionRecord } from './question';

/** Element-wise mean of equal-length curves. */
function meanCurve(curves: readonly (readonly number[])[]): number[] {
  return PERTURBATION_STEPS.map((_, i) => (mean(curves.map((c) => c[i] as number)) as number));
}

function summariseMethod(records: readonly QuestionRecord[], name: string): MethodSummary {
  const scores = records.map((r) => {
    const s = r.methods[name];
    if (!s) throw new RangeError(`aggregate: expected method ${name} in question ${r.id}, found ${Object.keys(r.methods).join(', ')}`);
    return s;
  });
  const hits = scores.flatMap((s) => s.hits);
  const iou = scores.flatMap((s) => (s.soft_iou === null ? [] : [s.soft_iou]));
  const snr = scores.flatMap((s) => (s.snr_map === null ? [] : [s.snr_map]));
  const wg = mean(scores.flatMap((s) => s.w_grounded));
  const wl = mean(scores.flatMap((s) => s.w_linguistic));
  const snrTokens = wg !== null && wl !== null && wl > 0 ? wg / wl : null;
  const perturbed = scores.flatMap((s) => (s.perturbation ? [s.perturbation] : []));
  return {
    pointing_game: mean(hits),
    grounded_tokens: hits.length,
    soft_iou: mean(iou),
    soft_iou_questions: iou.length,
    snr_map_mean: mean(snr),
    snr_map_median: median(snr),
    snr_map_questions: snr.length,
    snr_tokens: snrTokens,
    grounded_weight_mean: wg,
    linguistic_weight_mean: wl,
    perturbation:
      perturbed.length === 0
        ? null
        : {
            percents: [...PERTURBATION_STEPS],
            positive_curve: meanCurve(perturbed.map((p) => p.positive)),
            negative_curve: meanCurve(perturbed.map((p) => p.negative)),
            auc_positive: mean(perturbed.map((p) => p.auc_positive)) as number,
            auc_negative: mean(perturbed.map((p) => p.auc_negative)) as number,
            auc_positive_median: median(perturbed.map((p) => p.auc_positive)) as number,
            auc_negative_median: median(perturbed.map((p) => p.auc_negative)) as number,
            questions: perturbed.length,
          },
  };
}

export function summarise(records: readonly QuestionRecord[], methods: readonly string[]): GroupSummary {
  return {
    questions: records.length,
    accuracy: records.length === 0 ? 0 : records.filter((r) => r.correct).length / records.length,
    methods: Object.fromEntries(methods.map((m) => [m, summariseMethod(records, m)])),
  };
}

/** Overall and per group (groups in first-seen order). */
export function summariseByGroup(records: readonly QuestionRecord[], methods: readonly string[]): { overall: GroupSummary; groups: Record<string, GroupSummary> } {
  const byGroup = new Map<string, QuestionRecord[]>();
  for (const r of records) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r]);
  return { overall: summarise(records, methods), groups: Object.fromEntries([...byGroup].map(([g, rs]) => [g, summarise(rs, methods)])) };
}

// Every row carries the model, its bundle hash and the settings that shape the maps, so CSVs of
// several evaluations can be concatenated and still say which run each row came from. soft_iou
// and snr_map are means over the questions that have a grounded region, which can be fewer than
// `questions`: their own counts sit beside them.
const CSV_COLUMNS = ['model', 'bundle_sha256', 'dataset', 'layers', 'top_k', 'norm_twice_last', 'head_filter', 'sequence_filter', 'group', 'method', 'questions', 'accuracy', 'pointing_game', 'grounded_tokens', 'soft_iou', 'soft_iou_questions', 'snr_map_mean', 'snr_map_median', 'snr_map_questions', 'snr_tokens', 'auc_positive', 'auc_negative', 'auc_positive_median', 'auc_negative_median'] as const;

type CsvSettings = Pick<EvalSettings, 'model' | 'bundle_sha256' | 'dataset' | 'layers' | 'top_k' | 'norm_twice_last' | 'head_filter' | 'sequence_filter'>;

/** One row per (group, method), "overall" first; empty cells for undefined values. */
export function metricsCsv(doc: { settings: CsvSettings; overall: GroupSummary; groups: Record<string, GroupSummary> }): string {
  const cell = (v: number | string | boolean | null | undefined) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : typeof v === 'boolean' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const s = doc.settings;
  const run = [s.model, s.bundle_sha256, s.dataset, s.layers.join(' '), s.top_k, s.norm_twice_last, s.head_filter, s.sequence_filter];
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const [group, g] of [['overall', doc.overall] as const, ...Object.entries(doc.groups)]) {
    for (const [method, m] of Object.entries(g.methods)) {
      const row = [...run, group, method, g.questions, g.accuracy, m.pointing_game, m.grounded_tokens, m.soft_iou, m.soft_iou_questions, m.snr_map_mean, m.snr_map_median, m.snr_map_questions, m.snr_tokens, m.perturbation?.auc_positive, m.perturbation?.auc_negative, m.perturbation?.auc_positive_median, m.perturbation?.auc_negative_median];
      lines.push(row.map(cell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
