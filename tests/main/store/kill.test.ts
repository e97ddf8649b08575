/**
 * Crash safety: a child process saving runs is SIGKILLed at random moments, many times. After
 * each kill the file must open (quick_check), pass integrity_check, and hold only complete runs,
 * including every run whose commit the child had reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import Database from 'better-sqlite3';
import { seededRandom } from '../../../main/store/bench-data';
import { openProject } from '../../../main/store/index';
import { tempDir } from './fixtures/helpers';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const KILLS = 25;
let tmp: ReturnType<typeof tempDir>;
let writer: string;

beforeAll(async () => {
  tmp = tempDir('dexar-kill-');
  writer = join(tmp.dir, 'kill-writer.cjs');
  await build({
    entryPoints: [join(repoRoot, 'tests/main/store/fixtures/kill-writer.ts')],
    outfile: writer,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['better-sqlite3', 'sharp'],
    logLevel: 'silent',
  });
});
afterAll(() => tmp.cleanup());

/** Runs the writer until `afterMs` past its `ready`, SIGKILLs it, returns the ids it reported saved. */
function runAndKill(project: string, seed: number, afterMs: number): Promise<{ saved: number[]; stderr: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, project, String(seed)], { env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') }, stdio: ['ignore', 'pipe', 'pipe'] });
    const saved: number[] = [];
    let stderr = '';
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), afterMs);
        else if (line.startsWith('saved ')) saved.push(Number(line.slice(6)));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ saved, stderr, killed: signal === 'SIGKILL' }));
  });
}

describe('store/project.saveRun under SIGKILL', () => {
  it(`leaves a healthy file with only complete runs after ${KILLS} random kills`, async () => {
    const seed = Date.now() % 1_000_000;
    const rand = seededRandom(seed);
    const path = join(tmp.dir, 'crash project ✓.dexar');
    const reported = new Set<number>();
    for (let round = 0; round < KILLS; round++) {
      const { saved, stderr, killed } = await runAndKill(path, seed + round, Math.floor(rand() * 400));
      expect(killed, `round ${round} (seed ${seed}): writer exited by itself: ${stderr}`).toBe(true);
      saved.forEach((id) => reported.add(id));

      const project = openProject(path);
      expect(project.integrityCheck(), `round ${round} (seed ${seed})`).toEqual(['ok']);
      project.close();
      const db = new Database(path, { readonly: true });
      const runs = db
        .prepare(
          `SELECT r.id, r.token_count, r.provenance_json,
                  (SELECT count(*) FROM tokens t WHERE t.run_id = r.id) AS tokens,
                  (SELECT count(*) FROM heatmaps h WHERE h.run_id = r.id) AS heatmaps
           FROM runs r`,
        )
        .all() as { id: number; token_count: number; provenance_json: string; tokens: number; heatmaps: number }[];
      db.close();
      for (const run of runs) {
        const expected = JSON.parse(run.provenance_json) as { expectTokens: number; expectHeatmaps: number };
        expect({ id: run.id, tokens: run.tokens, heatmaps: run.heatmaps, count: run.token_count }, `round ${round} (seed ${seed})`).toEqual({
          id: run.id,
          tokens: expected.expectTokens,
          heatmaps: expected.expectHeatmaps,
          count: expected.expectTokens,
        });
      }
      const stored = new Set(runs.map((r) => r.id));
      const lost = [...reported].filter((id) => !stored.has(id));
      expect(lost, `round ${round} (seed ${seed}): committed runs missing`).toEqual([]);
    }
    expect(reported.size).toBeGreaterThan(KILLS);
  }, 120_000);
});
