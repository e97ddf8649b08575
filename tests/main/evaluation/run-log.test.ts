import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QuestionRecord } from '../../../main/evaluation/question';
import { changedKeys, openRunLog, RunMismatchError } from '../../../main/evaluation/run-log';

const temps: string[] = [];
afterEach(async () => {
  for (const t of temps.splice(0)) await rm(t, { recursive: true, force: true });
});
const record = (id: string) => ({ id, group: 'g', expected: 'a', predicted: 'a', correct: true, tokens: 1, grounded_tokens: 0, perplexity: 1, methods: {}, seconds: 0 }) as QuestionRecord;

describe('evaluation/changedKeys', () => {
  it('lists keys whose JSON differs, including added and removed ones', () => {
    expect(changedKeys({ a: 1, b: [1, 2], c: null }, { a: 1, b: [1, 3], d: 0 })).toEqual(['b', 'c', 'd']);
  });
});

describe('evaluation/openRunLog', () => {
  it('keeps finished records across opens and drops a line cut off by a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dexar-runlog-'));
    temps.push(dir);
    const first = await openRunLog(dir, { limit: 2 });
    first.append(record('q1'));
    await appendFile(join(dir, 'questions.jsonl'), '{"id":"q2","gro'); // killed mid-write
    const second = await openRunLog(dir, { limit: 2 });
    expect([...second.done.keys()]).toEqual(['q1']);
    expect(second.createdAt).toBe(first.createdAt);
    second.append(record('q2'));
    const lines = (await readFile(join(dir, 'questions.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as QuestionRecord).id)).toEqual(['q1', 'q2']);
  });
  it('refuses other arguments, naming old and new values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dexar-runlog-'));
    temps.push(dir);
    await openRunLog(dir, { limit: 2, methods: ['dexar'] });
    await expect(openRunLog(dir, { limit: 3, methods: ['dexar'] })).rejects.toThrow(RunMismatchError);
    await expect(openRunLog(dir, { limit: 3, methods: ['dexar'] })).rejects.toThrow(/limit: 2 → 3/);
  });
});
