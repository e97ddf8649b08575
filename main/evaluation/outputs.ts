/** The files an evaluation leaves in its --out folder besides run.json and questions.jsonl. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { METRICS_FORMAT, type EvalProvenance, type EvalSettings, type MetricsDocument } from '../../shared/api/evaluation';
import { metricsCsv, summariseByGroup } from './aggregate';
import { DIRECTIONS } from './perturbation';
import { writeLinePlotPng } from './plot';
import type { QuestionRecord } from './question';

export const METRICS_FORMAT_VERSION = 1;

export function metricsDocument(records: readonly QuestionRecord[], selected: number, methods: readonly string[], settings: EvalSettings, provenance: EvalProvenance): MetricsDocument {
  const { overall, groups } = summariseByGroup(records, methods);
  return {
    format: METRICS_FORMAT,
    format_version: METRICS_FORMAT_VERSION,
    complete: records.length === selected,
    questions: { selected, evaluated: records.length },
    settings,
    provenance,
    overall,
    groups,
  };
}

/** metrics.json, metrics.csv and, when curves exist, perturbation-positive.png / -negative.png. Returns the file names. */
export async function writeOutputs(outDir: string, doc: MetricsDocument): Promise<string[]> {
  await writeFile(join(outDir, 'metrics.json'), `${JSON.stringify(doc, null, 1)}\n`);
  await writeFile(join(outDir, 'metrics.csv'), metricsCsv(doc));
  const written = ['metrics.json', 'metrics.csv'];
  const curves = Object.entries(doc.overall.methods).flatMap(([name, m]) => (m.perturbation ? [{ name, p: m.perturbation }] : []));
  if (curves.length === 0) return written;
  for (const direction of DIRECTIONS) {
    const file = `perturbation-${direction}.png`;
    await writeLinePlotPng(
      {
        title: `${direction === 'positive' ? 'Positive' : 'Negative'} perturbation (${direction === 'positive' ? 'most' : 'least'} relevant removed first), n = ${doc.questions.evaluated}`,
        xLabel: 'patches removed (%)',
        yLabel: 'PPL_p / PPL_0',
        x: curves[0]?.p.percents ?? [],
        series: curves.map(({ name, p }) => ({ name: `${name} (AUC ${(direction === 'positive' ? p.auc_positive : p.auc_negative).toFixed(3)})`, y: direction === 'positive' ? p.positive_curve : p.negative_curve })),
      },
      join(outDir, file),
    );
    written.push(file);
  }
  return written;
}
