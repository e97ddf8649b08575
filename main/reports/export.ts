/**
 * One report export end to end, for the CLI and the app alike: store → cases → PDF or PNG,
 * written atomically (temp file + rename, so a cancelled or failed export leaves nothing behind)
 * and logged in the project's report log with the file's sha256 and whether anything was redacted.
 */
import { createHash } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { DexarError } from '../../shared/api/envelope';
import type { MapSelection } from '../../shared/api/runs';
import type { Project } from '../store';
import { renderAnnotatedPng } from './annotated';
import { caseFromRun, galleryRunIds } from './from-store';
import { renderReportPdf, type ReportProgress } from './pdf/document';
import type { ReportCase, ReportStyle } from './types';

/** One run, a comparison (several runs side by side, in the given order) or a gallery. */
export type ReportSource = { runId: number } | { runIds: number[] } | { galleryId: number };

export interface ExportReportOptions {
  source: ReportSource;
  format: 'pdf' | 'png';
  /** Destination file; an existing file is replaced only once the new one is complete. */
  out: string;
  /** Project name on the cover; the project file's name by default. */
  projectName: string;
  /** Date on the cover and in the PDF metadata; now by default. Fixing it makes the file reproducible. */
  date?: Date;
  map?: MapSelection;
  style?: ReportStyle;
  onProgress?: (progress: ReportProgress) => void;
  signal?: AbortSignal;
}

export interface ExportReportResult {
  path: string;
  runIds: number[];
  sha256: string;
  redacted: boolean;
  bytes: number;
}

function hasSensitive(cases: readonly ReportCase[]): boolean {
  return cases.some((c) => c.annotations.some((a) => a.regions.some((r) => r.sensitive)));
}

/** A report title quotes at most this much of a prompt (the case page prints it whole). */
const TITLE_PROMPT_CHARS = 80;

function shortPrompt(prompt: string): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  return flat.length <= TITLE_PROMPT_CHARS ? flat : `${flat.slice(0, TITLE_PROMPT_CHARS - 1).trimEnd()}…`;
}

/** The project's display name: its file name without the extension. */
export function projectDisplayName(path: string): string {
  return basename(path, extname(path));
}

/** Fails before any rendering (a gallery takes a while) when the file could not be written there. */
async function checkDestination(path: string): Promise<void> {
  const folder = dirname(path);
  const info = await stat(folder).catch(() => null);
  if (!info) throw new DexarError('validation', `cannot write ${path}: the folder ${folder} does not exist`);
  if (!info.isDirectory()) throw new DexarError('validation', `cannot write ${path}: ${folder} is not a folder`);
  if ((await stat(path).catch(() => null))?.isDirectory()) throw new DexarError('validation', `cannot write ${path}: it is a folder`);
}

export async function exportReport(project: Project, options: ExportReportOptions): Promise<ExportReportResult> {
  const { source, format } = options;
  const runIds = 'runId' in source ? [source.runId] : 'runIds' in source ? [...new Set(source.runIds)] : galleryRunIds(project, source.galleryId);
  const what = 'galleryId' in source ? `gallery ${source.galleryId}` : 'the selection';
  if (runIds.length === 0) throw new DexarError('validation', `${what} holds no runs; nothing to export`);
  if (format === 'png' && runIds.length !== 1) throw new DexarError('validation', `a PNG export holds one run; ${what} holds ${runIds.length} (export it as pdf)`);
  const path = resolve(options.out);
  await checkDestination(path);
  const mapOptions = { ...(options.map ? { map: options.map } : {}), ...(options.style ? { style: options.style } : {}) };
  const cases = runIds.map((id) => caseFromRun(project, id, mapOptions));

  let data: Buffer;
  if (format === 'png') {
    data = await renderAnnotatedPng(cases[0] as ReportCase);
    options.onProgress?.({ done: 1, total: 1, caseTitle: (cases[0] as ReportCase).title });
  } else {
    const gallery = 'galleryId' in source ? project.getGallery(source.galleryId) : undefined;
    const first = cases[0] as ReportCase;
    const title = gallery ? `Gallery “${gallery.name}”` : cases.length > 1 ? `Comparison of runs ${runIds.join(', ')}` : `${first.title}: ${shortPrompt(first.prompt)}`;
    data = await renderReportPdf({ projectName: options.projectName, date: options.date ?? new Date(), title, comparison: !gallery && cases.length > 1 }, cases, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  if (options.signal?.aborted) throw new DexarError('cancelled', 'report cancelled before it was written');

  const temp = `${path}.partial-${process.pid}`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    // The system's reason (permission denied, disk full), naming the user's file, not our temp file.
    throw new DexarError('validation', `cannot write ${path}: ${(err as Error).message.replaceAll(temp, path)}`, 'WriteError');
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  const redacted = hasSensitive(cases);
  project.logReportExport({ format, path, runIds, galleryId: 'galleryId' in source ? source.galleryId : null, redacted, sha256 });
  return { path, runIds, sha256, redacted, bytes: data.length };
}
