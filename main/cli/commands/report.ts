/** `dexar report`: a run or a gallery of a project as a review-board PDF, or one run as an annotated PNG. */
import { extname } from 'node:path';
import { openProject } from '../../store';
import { exportReport, projectDisplayName } from '../../reports/export';
import { parseFlags, positiveInt, UsageError } from '../args';
import { progressBar } from '../progress';

export const summary = 'export a run or a gallery as an annotated PDF report (or one run as PNG)';
export const usage = `dexar report --project FILE.dexar (--run ID [--run ID …] | --gallery ID) --format pdf|png --out FILE [--token N] [--date ISO]

  --project FILE  the project file
  --run ID        one run; repeat it to compare several runs in one PDF
  --gallery ID    every run of a gallery (pinned runs and those matching its filter; pdf only)
  --format F      pdf (cover + one page per run) or png (the annotated image at full resolution)
  --out FILE      file to write (replaced atomically)
  --token N       overlay token N's map instead of the sentence map
  --date ISO      date on the cover and in the PDF metadata (default: now); fix it for reproducible files`;

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    project: { type: 'string' },
    run: { type: 'string', multiple: true },
    gallery: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    token: { type: 'string' },
    date: { type: 'string' },
  });
  if (!flags.project || !flags.out) throw new UsageError('--project and --out are required');
  const runIds = (flags.run ?? []).map((raw) => positiveInt('run', raw) as number);
  const galleryId = positiveInt('gallery', flags.gallery);
  if (runIds.length > 0 && galleryId !== undefined) throw new UsageError('give --run ID (one or more) or --gallery ID, not both');
  if (runIds.length === 0 && galleryId === undefined) throw new UsageError('give --run ID (one or more) or --gallery ID');
  const format = flags.format ?? 'pdf';
  if (format !== 'pdf' && format !== 'png') throw new UsageError(`--format expects pdf or png, got ${JSON.stringify(format)}`);
  if (format === 'png' && (galleryId !== undefined || runIds.length > 1)) throw new UsageError('--format png exports one run (--run ID); a gallery or a comparison is a PDF');
  const ext = extname(flags.out).toLowerCase();
  if (ext !== '' && ext !== `.${format}`) throw new UsageError(`--out ${flags.out}: a ${format.toUpperCase()} file should end in .${format} (or give --format ${ext.slice(1)})`);
  const token = flags.token === undefined ? undefined : Number(flags.token);
  if (token !== undefined && !(Number.isInteger(token) && token >= 0)) throw new UsageError(`--token expects a token index ≥ 0, got ${JSON.stringify(flags.token)}`);
  const date = flags.date === undefined ? undefined : new Date(flags.date);
  if (date !== undefined && Number.isNaN(date.getTime())) throw new UsageError(`--date expects an ISO date, got ${JSON.stringify(flags.date)}`);

  const project = openProject(flags.project);
  const bar = progressBar('report');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await exportReport(project, {
      source: galleryId !== undefined ? { galleryId } : runIds.length === 1 ? { runId: runIds[0] as number } : { runIds },
      format,
      out: flags.out,
      projectName: projectDisplayName(flags.project),
      ...(date ? { date } : {}),
      ...(token !== undefined ? { map: { kind: 'token', index: token } } : {}),
      onProgress: (p) => bar.update(p.done, p.total, p.caseTitle),
      signal: controller.signal,
    });
    const runs = (result.runIds.length === 1 ? `run ${result.runIds[0]}` : `${result.runIds.length} runs`) + (galleryId !== undefined ? ` (gallery ${galleryId})` : '');
    process.stdout.write(`${format.toUpperCase()} report of ${runs} written to ${result.path} (${result.bytes} bytes, sha256 ${result.sha256})${result.redacted ? '; sensitive regions blurred' : ''}\n`);
  } finally {
    bar.done();
    process.off('SIGINT', onSigint);
    project.close();
  }
}
