import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { answerWords, DatasetError, readDataset, readMask, regionWordIndices, unionMask } from '../../../main/evaluation/dataset';

const temps: string[] = [];
afterEach(async () => {
  for (const t of temps.splice(0)) await rm(t, { recursive: true, force: true });
});
async function datasetDir(rows: unknown[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dexar-dataset-'));
  temps.push(dir);
  await writeFile(join(dir, 'annotations.jsonl'), rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return dir;
}
const row = (extra: Record<string, unknown> = {}) => ({ id: 'q1', image: 'images/a.png', prompt: 'What color is the star?', answer: 'The star is red.', regions: [{ words: ['star', 'red'], mask: 'masks/a.png' }], ...extra });

describe('evaluation/answerWords', () => {
  it('splits letter runs and single punctuation marks like models/shapes_qa/grammar.split_words', () => {
    expect(answerWords('Yes, there is a orange triangle.')).toEqual(['Yes', ',', 'there', 'is', 'a', 'orange', 'triangle', '.']);
  });
});

describe('evaluation/regionWordIndices', () => {
  it('checks given indices against the answer words', () => {
    expect(regionWordIndices('The star is red.', { words: ['star', 'red'], indices: [1, 3], mask: 'm' }, 'q')).toEqual([1, 3]);
    expect(() => regionWordIndices('The star is red.', { words: ['star', 'red'], indices: [1, 2], mask: 'm' }, 'q')).toThrow(/word 2 to be "red", found "is"/);
  });
  it('matches words in order when indices are absent (VOC import), each occurrence once', () => {
    expect(regionWordIndices('There are two dogs and two cats.', { words: ['two', 'dogs'], mask: 'm' }, 'q')).toEqual([2, 3]);
    expect(regionWordIndices('a red and a red', { words: ['red', 'red'], mask: 'm' }, 'q')).toEqual([1, 4]);
    expect(() => regionWordIndices('The cat.', { words: ['dog'], mask: 'm' }, 'q')).toThrow(DatasetError);
  });
});

describe('evaluation/readDataset', () => {
  it('reads rows, groups by template_name, then category, then a string template', async () => {
    const dir = await datasetDir([row({ template: 1, template_name: 'color_of_shape' }), row({ id: 'q2', category: 'dog' }), row({ id: 'q3', template: 'count' }), row({ id: 'q4', template: 4 })]);
    const ds = await readDataset(dir);
    expect(ds.questions.map((q) => q.group)).toEqual(['color_of_shape', 'dog', 'count', 'all']);
    expect(ds.annotationsSha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('refuses paths outside the folder, duplicate ids, missing fields and bad JSON with the line number', async () => {
    await expect(readDataset(await datasetDir([row({ image: '../secret.png' })]))).rejects.toThrow(/line 1: image: expected a path inside/);
    await expect(readDataset(await datasetDir([row(), row()]))).rejects.toThrow(/line 2: expected unique ids, found "q1" twice/);
    await expect(readDataset(await datasetDir([row({ answer: '' })]))).rejects.toThrow(/non-empty string "answer"/);
    await expect(readDataset(await datasetDir([row(), '{oops']))).rejects.toThrow(/line 2: expected a JSON object, found invalid JSON/);
    await expect(readDataset(join(tmpdir(), 'no-such-dataset-dir'))).rejects.toThrow(/expected annotations.jsonl/);
  });
});

describe('evaluation/readMask, unionMask', () => {
  it('reads any non-zero grey as inside and ORs masks', async () => {
    const dir = await datasetDir([row()]);
    await mkdir(join(dir, 'masks'));
    const grey = (values: number[]) => sharp(Buffer.from(values), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    await writeFile(join(dir, 'masks', 'a.png'), await grey([0, 255, 1, 0]));
    await writeFile(join(dir, 'masks', 'b.png'), await grey([200, 0, 0, 0]));
    const a = await readMask(dir, 'masks/a.png');
    expect(a).toEqual({ width: 2, height: 2, data: Uint8Array.from([0, 1, 1, 0]) });
    expect([...unionMask([a, await readMask(dir, 'masks/b.png')]).data]).toEqual([1, 1, 1, 0]);
    await expect(readMask(dir, 'masks/none.png')).rejects.toThrow(DatasetError);
  });
});
