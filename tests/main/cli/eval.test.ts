import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../main/cli/args';
import { run } from '../../../main/cli/commands/eval';
import type { MetricsDocument } from '../../../shared/api/evaluation';
import { openProject } from '../../../main/store';
import { bundlePath } from '../../shared/dexar/fixture-data';

const SAMPLES = fileURLToPath(new URL('../../../models/samples', import.meta.url));
const temps: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const t of temps.splice(0)) await rm(t, { recursive: true, force: true });
});

describe('main/cli/commands/eval/run', () => {
  it('maps the ablation flags to settings and prints one line per method', async () => {
    const out = await mkdtemp(join(tmpdir(), 'dexar-cli-eval-'));
    temps.push(out);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await run(['--model', bundlePath('tiny-mistral'), '--dataset', SAMPLES, '--limit', '2', '--methods', 'dexar,random', '--layers', '1', '--top-k', '2', '--no-head-filter', '--no-sequence-filter', '--seed', '3', '--ep', 'cpu', '--threads', '1', '--out', out]);
    const printed = stdout.mock.calls.map((c) => String(c[0])).join('');
    stdout.mockRestore();
    expect(printed).toMatch(/^2\/2 questions \(2 evaluated now, 0 resumed\)/);
    expect(printed).toMatch(/\n {2}dexar +pointing /);
    expect(printed).toMatch(/\n {2}random +pointing /);
    const doc = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as MetricsDocument;
    expect(doc.settings).toMatchObject({ methods: ['dexar', 'random'], layers: [1], top_k: 2, head_filter: false, sequence_filter: false, seed: 3, perturbation: false, limit: 2 });
    expect(Object.keys(doc.overall.methods)).toEqual(['dexar', 'random']);
    expect(doc.overall.methods.dexar?.perturbation).toBeNull();
  });

  it('with --project stores the metrics in the project, and a rerun (resume) updates that row', async () => {
    const out = await mkdtemp(join(tmpdir(), 'dexar-cli-eval-'));
    temps.push(out);
    const file = join(out, 'eval.dexar');
    const args = ['--model', bundlePath('tiny-llama'), '--dataset', SAMPLES, '--limit', '1', '--methods', 'dexar', '--ep', 'cpu', '--threads', '1', '--out', join(out, 'run'), '--project', file];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await run(args);
    await run(args);
    const printed = stdout.mock.calls.map((c) => String(c[0])).join('');
    stdout.mockRestore();
    expect(printed.match(/stored in project .* as evaluation 1\n/g)).toHaveLength(2);
    const project = openProject(file);
    try {
      const runs = project.listEvalRuns();
      expect(runs).toHaveLength(1);
      const written = JSON.parse(await readFile(join(out, 'run', 'metrics.json'), 'utf8')) as MetricsDocument;
      expect(runs[0]).toEqual({ ...written, id: 1 });
    } finally {
      project.close();
    }
  });

  it('refuses missing and malformed flags as usage errors', async () => {
    await expect(run(['--model', 'm', '--dataset', 'd'])).rejects.toThrow(UsageError);
    await expect(run(['--model', 'm', '--dataset', 'd', '--out', 'o', '--methods', 'gradcam'])).rejects.toThrow(/methods: expected a comma list/);
    await expect(run(['--model', 'm', '--dataset', 'd', '--out', 'o', '--layers', 'x'])).rejects.toThrow(UsageError);
    await expect(run(['--model', 'm', '--dataset', 'd', '--out', 'o', '--limit', '0'])).rejects.toThrow(/--limit expects a positive integer/);
  });
});
