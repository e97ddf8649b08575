/**
 * The Evaluations view's metrics table as data: which rows (methods, in the run's order), which
 * columns (the DESIGN §4 metrics), and which groups a run can be viewed by.
 */
import type { EvalRun, EvalSettings, GroupSummary, MethodSummary } from '../../shared/api/evaluation';

export interface MetricColumn {
  /** Stable id, used as the cell's test id and sort key. */
  readonly key: string;
  readonly label: string;
  /** The column header's tooltip: what the number means and which way is better. */
  readonly title: string;
  readonly value: (method: MethodSummary) => number | null;
}

/** The per-method columns; answer accuracy is per group (one greedy answer for every method). */
export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'pointing_game', label: 'Pointing game', title: 'Share of grounded tokens whose map maximum lies in their mask (higher is better)', value: (m) => m.pointing_game },
  { key: 'soft_iou', label: 'Soft-IoU', title: 'Σ min(E, M) / Σ max(E, M) of the sentence map vs the grounded masks (higher is better)', value: (m) => m.soft_iou },
  { key: 'snr_map_mean', label: 'SNR_map mean', title: 'mean(E inside M) / mean(E outside M), mean over questions (higher is better)', value: (m) => m.snr_map_mean },
  { key: 'snr_map_median', label: 'SNR_map median', title: 'mean(E inside M) / mean(E outside M), median over questions (higher is better)', value: (m) => m.snr_map_median },
  { key: 'snr_tokens', label: 'SNR_tokens', title: 'mean δ of grounded tokens / mean δ of linguistic tokens (higher is better)', value: (m) => m.snr_tokens },
  { key: 'auc_positive', label: 'AUC+ mean', title: 'Area under PPL_p / PPL_0 when the most relevant p % of patches are removed, mean over questions (higher is better)', value: (m) => m.perturbation?.auc_positive ?? null },
  { key: 'auc_positive_median', label: 'AUC+ median', title: 'Positive perturbation AUC, median over questions (higher is better)', value: (m) => m.perturbation?.auc_positive_median ?? null },
  { key: 'auc_negative', label: 'AUC− mean', title: 'Area under PPL_p / PPL_0 when the least relevant p % of patches are removed, mean over questions (lower is better)', value: (m) => m.perturbation?.auc_negative ?? null },
  { key: 'auc_negative_median', label: 'AUC− median', title: 'Negative perturbation AUC, median over questions (lower is better)', value: (m) => m.perturbation?.auc_negative_median ?? null },
];

/** The key of the whole-dataset group in the group selector (metrics.json's `overall`). */
export const OVERALL = 'overall';

/** Overall first, then the run's groups in metrics.json order (first seen in the dataset). */
export function groupKeys(run: Pick<EvalRun, 'groups'>): string[] {
  return [OVERALL, ...Object.keys(run.groups).filter((g) => g !== OVERALL)];
}

/** The summary shown for a group key; an unknown key (e.g. from another run) falls back to overall. */
export function groupSummary(run: Pick<EvalRun, 'overall' | 'groups'>, key: string): GroupSummary {
  return key === OVERALL ? run.overall : (run.groups[key] ?? run.overall);
}

/**
 * Method names in the order the run asked for them (settings.methods), then any others the
 * group holds, so the table's rows and the chart's colours stay put from group to group.
 */
export function methodOrder(run: { readonly settings: Pick<EvalSettings, 'methods'> }, group: GroupSummary): string[] {
  const present = Object.keys(group.methods);
  return [...run.settings.methods.filter((m) => present.includes(m)), ...present.filter((m) => !run.settings.methods.includes(m))];
}

/** After a reload, keep the selected run when it still exists, else the newest (listed first). */
export function keepSelection(runs: readonly Pick<EvalRun, 'id'>[], selectedId: number | undefined): number | undefined {
  return runs.some((r) => r.id === selectedId) ? selectedId : runs[0]?.id;
}
