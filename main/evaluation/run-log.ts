/**
 * What makes an evaluation resumable: `run.json` records the arguments that determine the results
 * (model, dataset, methods, settings …), and `questions.jsonl` gets one line per finished question,
 * appended as soon as it is done. A restart with the same arguments skips the finished questions;
 * a restart with different ones is refused, so one folder never mixes two experiments.
 */
import { appendFileSync } from 'node:fs';
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DexarError } from '../../shared/api/envelope';
import type { QuestionRecord } from './question';

export const RUN_FORMAT = 'dexar-eval-run';
export const RUN_FORMAT_VERSION = 1;

export class RunMismatchError extends DexarError {
  constructor(message: string) {
    super('validation', message, 'RunMismatchError');
  }
}

export interface RunLog {
  /** Finished questions by id, as read from questions.jsonl. */
  readonly done: ReadonlyMap<string, QuestionRecord>;
  /** When run.json was first written (the run's start across resumes). */
  readonly createdAt: string;
  append(record: QuestionRecord): void;
}

/** Keys whose values differ between two argument records (compared as JSON). */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

export async function openRunLog(outDir: string, args: Record<string, unknown>): Promise<RunLog> {
  await mkdir(outDir, { recursive: true });
  const runPath = join(outDir, 'run.json');
  const logPath = join(outDir, 'questions.jsonl');
  const existing = await readFile(runPath, 'utf8').catch(() => null);
  let createdAt = new Date().toISOString();
  if (existing === null) {
    await writeFile(runPath, `${JSON.stringify({ format: RUN_FORMAT, format_version: RUN_FORMAT_VERSION, created_at: createdAt, args }, null, 1)}\n`);
  } else {
    const doc = JSON.parse(existing) as { format?: string; format_version?: number; created_at?: string; args?: Record<string, unknown> };
    if (doc.format !== RUN_FORMAT || doc.format_version !== RUN_FORMAT_VERSION || !doc.args) {
      throw new RunMismatchError(`${runPath}: expected a ${RUN_FORMAT} v${RUN_FORMAT_VERSION} record, found ${doc.format ?? 'something else'} v${doc.format_version ?? '?'}`);
    }
    const changed = changedKeys(doc.args, args);
    if (changed.length > 0) {
      const detail = changed.map((k) => `${k}: ${JSON.stringify(doc.args?.[k] ?? null)} → ${JSON.stringify(args[k] ?? null)}`).join('; ');
      throw new RunMismatchError(`${outDir} holds an evaluation with other arguments (${detail}); resume with the same arguments or choose another --out`);
    }
    createdAt = doc.created_at ?? createdAt;
  }
  const done = new Map<string, QuestionRecord>();
  const text = await readFile(logPath, 'utf8').catch(() => '');
  // A line cut off by a crash mid-write has no newline: drop it so the next append starts clean.
  const complete = text.lastIndexOf('\n') + 1;
  if (complete < Buffer.byteLength(text)) await truncate(logPath, Buffer.byteLength(text.slice(0, complete)));
  for (const line of text.slice(0, complete).split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as QuestionRecord;
    done.set(record.id, record);
  }
  return {
    done,
    createdAt,
    // Synchronous so that a finished question is on disk before the next one starts.
    append: (record) => appendFileSync(logPath, `${JSON.stringify(record)}\n`),
  };
}
