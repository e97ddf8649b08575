/**
 * Text for the Evaluations view: metric values, layer ranges, dates and the one-line settings
 * summary of an evaluation run. Pure functions so their output is unit-tested, not eyeballed.
 */
import type { EvalRun, EvalSettings } from '../../shared/api/evaluation';

/** What a missing or undefined statistic shows (metrics.json writes null, never NaN). */
export const MISSING = '—';

/** A metric with a fixed number of decimals; null, undefined and non-finite values read "—". */
export function formatMetric(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? MISSING : value.toFixed(digits);
}

/** A share in [0, 1] as a percentage with one decimal ("58.3 %"). */
export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share) ? MISSING : `${(share * 100).toFixed(1)} %`;
}

/**
 * Layer indices as compact ranges: [22..31] → "22–31", [0, 1, 2, 5] → "0–2, 5". Sorted and
 * deduplicated first because a layer list is a set; an empty list is "none".
 */
export function formatLayers(layers: readonly number[]): string {
  const sorted = [...new Set(layers)].sort((a, b) => a - b);
  if (sorted.length === 0) return 'none';
  const parts: string[] = [];
  let start = sorted[0] as number;
  let prev = start;
  for (const layer of [...sorted.slice(1), Number.NaN]) {
    if (layer === prev + 1) {
      prev = layer;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}–${prev}`);
    start = layer;
    prev = layer;
  }
  return parts.join(', ');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO timestamp as local "YYYY-MM-DD HH:MM"; an unparsable one is shown as written. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The last segment of a path, either separator (runs may come from Windows or POSIX hosts). */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1) || path;
}

/** The settings that distinguish one ablation from another, in one line. */
export function settingsSummary(settings: EvalSettings): string {
  return [
    `layers ${formatLayers(settings.layers)}`,
    `top-k ${settings.top_k}`,
    `head filter ${settings.head_filter ? 'on' : 'off'}`,
    `sequence filter ${settings.sequence_filter ? 'on' : 'off'}`,
    ...(settings.perturbation ? ['perturbation'] : []),
  ].join(' · ');
}

/** "12 / 12 questions", the evaluated count first: an interrupted run has fewer. */
export function questionsSummary(run: Pick<EvalRun, 'questions'>): string {
  return `${run.questions.evaluated} / ${run.questions.selected} questions`;
}

const METHOD_LABELS: Record<string, string> = {
  dexar: 'DEX-AR',
  'dexar-unfiltered': 'DEX-AR unfiltered',
  attention: 'Raw attention',
  random: 'Random',
};

/** The display name of a heatmap method; unknown (future) methods keep their metrics.json name. */
export function methodLabel(method: string): string {
  return METHOD_LABELS[method] ?? method;
}

/** A path as one POSIX shell word: bare when it is only safe characters, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that evaluates a model into this project (what the empty state tells the user). */
export function evalCommand(projectPath: string | undefined): string {
  return `npx dexar eval --model M --dataset DIR --out DIR --project ${projectPath ? shellWord(projectPath) : 'FILE'}`;
}
