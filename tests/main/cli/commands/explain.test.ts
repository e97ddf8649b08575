import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../../main/cli/args';
import { run } from '../../../../main/cli/commands/explain';
import { bundlePath, concat, fixturePath, maxAbsDiff, readInputs, readReference } from '../../../shared/dexar/fixture-data';

const temps: string[] = [];
afterEach(async () => {
  for (const t of temps.splice(0)) await rm(t, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dexar-explain-'));
  temps.push(dir);
  return dir;
}

describe('main/cli/commands/explain/run', () => {
  it('writes result.json matching the reference and overlays at the image resolution', async () => {
    const inputs = readInputs('tiny-llama');
    const ref = readReference('tiny-llama', 'default');
    const out = await tempDir();
    const image = fixturePath('tiny-llama', 'image.png');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let printed: string[];
    try {
      await run(['--model', bundlePath('tiny-llama'), '--image', image, '--prompt', inputs.prompt, '--answer', inputs.answer, '--ep', 'cpu', '--threads', '1', '--out', out]);
      printed = stdout.mock.calls.map((c) => String(c[0])).join('').split('\n');
    } finally {
      stdout.mockRestore();
    }
    const doc = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
    // One line per token file with its δ; δ 0 ones are called linguistic (each PNG is on its own scale).
    doc.tokens.forEach((t: { index: number; delta: number; text: string }) => {
      const line = printed.find((l) => l.startsWith(`  token-${t.index}.png  ${JSON.stringify(t.text)}  δ `));
      expect(line, `token ${t.index}`).toBeDefined();
      expect(line?.endsWith('δ 0: linguistic, no weight in the sentence map'), `token ${t.index}`).toBe(t.delta === 0);
    });
    expect(doc.tokens.some((t: { delta: number }) => t.delta === 0) && doc.tokens.some((t: { delta: number }) => t.delta > 0)).toBe(true);
    expect(doc.tokens.map((t: { id: number }) => t.id)).toEqual(inputs.answer_ids);
    expect(doc.tokens[0].top5).toHaveLength(5);
    expect(doc.answer_text).toBe(inputs.answer);
    expect(doc.grid).toEqual([4, 4]);
    expect(maxAbsDiff(doc.tokens.map((t: { delta: number }) => t.delta), ref.token_weights.data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(concat(doc.maps.tokens.flat()), ref.token_maps.data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(doc.maps.sentence.flat(), ref.sentence_map.data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(doc.maps.attention_tokens.flat(2), ref.attention_maps.data)).toBeLessThan(1e-5);
    expect(doc.provenance.bundle.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.provenance.providers.decoder).toBe('cpu');
    expect(doc.provenance.settings.normTwiceLast).toBe(true);
    for (const file of ['sentence.png', 'token-0.png', 'token-6.png']) {
      const meta = await sharp(join(out, file)).metadata();
      expect([meta.width, meta.height], file).toEqual([inputs.image.width, inputs.image.height]);
    }
  });

  it('generates and explains when no answer is given', async () => {
    const out = await tempDir();
    await run(['--model', bundlePath('tiny-mistral'), '--image', fixturePath('tiny-mistral', 'image.png'), '--prompt', 'What color is the circle?', '--max-new-tokens', '3', '--ep', 'cpu', '--out', out]);
    const doc = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
    expect(doc.mode).toBe('online');
    expect(doc.tokens.length).toBeGreaterThan(0);
    expect(doc.tokens.length).toBeLessThanOrEqual(3);
  });

  it('samples with a seed and explains a counterfactual token', async () => {
    const inputs = readInputs('tiny-llama');
    const image = fixturePath('tiny-llama', 'image.png');
    const base = ['--model', bundlePath('tiny-llama'), '--image', image, '--prompt', inputs.prompt, '--ep', 'cpu'];
    const [a, b] = [await tempDir(), await tempDir()];
    for (const out of [a, b]) await run([...base, '--max-new-tokens', '4', '--temperature', '1.5', '--top-p', '0.9', '--seed', '7', '--out', out]);
    const ids = async (dir: string) => JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')).tokens.map((t: { id: number }) => t.id);
    expect(await ids(a)).toEqual(await ids(b));
    const cf = await tempDir();
    await run([...base, '--answer', inputs.answer, '--instead', '1:330', '--out', cf]);
    const doc = JSON.parse(await readFile(join(cf, 'result.json'), 'utf8'));
    expect(doc.mode).toBe('counterfactual');
    expect(doc.tokens.map((t: { id: number }) => t.id)).toEqual(inputs.answer_ids.map((id, i) => (i === 1 ? 330 : id)));
    await expect(run([...base, '--instead', '1:330', '--out', cf])).rejects.toThrow(/--instead needs --answer/);
    await expect(run([...base, '--seed', '1', '--out', cf])).rejects.toThrow(/need --temperature/);
  });

  it('fails with one clear line on bad input', async () => {
    const out = await tempDir();
    const base = ['--model', bundlePath('tiny-llama'), '--prompt', 'Hi', '--out', out, '--ep', 'cpu'];
    await expect(run([...base, '--image', join(out, 'missing.png')])).rejects.toThrow(/image .*missing.png: expected a PNG/);
    const notImage = join(out, 'notes.txt');
    await writeFile(notImage, 'hello');
    await expect(run([...base, '--image', notImage])).rejects.toThrow(/ImageDecodeError|expected a PNG/);
    const image = fixturePath('tiny-llama', 'image.png');
    await expect(run(['--model', bundlePath('tiny-llama'), '--image', image, '--prompt', '  ', '--out', out])).rejects.toThrow(UsageError);
    await expect(run(['--model', out, '--image', image, '--prompt', 'Hi', '--out', out])).rejects.toThrow(/without manifest.json/);
    await expect(run(['--model', 'no-such-model', '--image', image, '--prompt', 'Hi', '--out', out])).rejects.toThrow(/expected a bundle folder or a built-in name/);
    await expect(run([...base, '--image', image, '--layers', '9'])).rejects.toThrow(/\[0, 4\), found 9/);
  });
});
