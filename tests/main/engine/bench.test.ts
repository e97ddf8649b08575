import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmark, formatBenchRow } from '../../../main/engine/bench';
import { ReferenceProcess } from '../../../main/engine/reference-process';
import { fixturePath, readInputs } from '../../shared/dexar/fixture-data';
import { openTiny } from './open-model';

const PYTHON = join(process.cwd(), 'models', '.venv', 'bin', 'python');
const DEMO_CHECKPOINT = join(process.cwd(), 'models', 'checkpoints', 'shapes-llava-tiny');

describe('main/engine/bench/benchmark', () => {
  it('times plain and explained generation of the asked lengths', async () => {
    const tiny = await openTiny('tiny-mistral');
    try {
      const rows = await benchmark(tiny.model, tiny.image, readInputs('tiny-mistral').prompt, [2, 4], { repeats: 1, reference: null, cwd: process.cwd() });
      expect(rows.map((r) => r.tokens)).toEqual([2, 4]);
      for (const r of rows) {
        expect(r.plainSeconds).toBeGreaterThan(0);
        expect(r.explainedSeconds).toBeGreaterThan(0);
        expect(r.referenceSeconds).toBeNull();
        expect(r.pairedSpeedup).toBeNull();
        // One round: the paired ratio is that round's, which is also the ratio of the medians.
        expect(r.pairedRatio.median).toBeCloseTo(r.explainedSeconds / r.plainSeconds, 12);
      }
    } finally {
      await tiny.release();
    }
  });

  it.skipIf(!existsSync(PYTHON))('times the reference in every round, in one warm Python process', async () => {
    const demo = await openTiny('shapes-llava-tiny');
    try {
      const imagePath = fixturePath('shapes-llava-tiny', readInputs('shapes-llava-tiny').image.file);
      const reference = { python: PYTHON, checkpoint: DEMO_CHECKPOINT, imagePath, threads: 1 };
      const [row] = await benchmark(demo.model, demo.image, 'What color is the star?', [3], { repeats: 2, reference, cwd: process.cwd() });
      expect(row?.referenceTokens).toBe(3);
      expect(row?.referenceSeconds).toBeGreaterThan(0);
      expect(row?.referenceGenerateSeconds).toBeGreaterThan(0);
      expect(row?.pairedSpeedup?.median).toBeGreaterThan(0);
    } finally {
      await demo.release();
    }
  }, 120_000);

  it.skipIf(!existsSync(PYTHON))('says why when the reference cannot answer', async () => {
    const imagePath = fixturePath('shapes-llava-tiny', readInputs('shapes-llava-tiny').image.file);
    const missing = ReferenceProcess.start({ python: PYTHON, checkpoint: join(process.cwd(), 'no-such-checkpoint'), imagePath, threads: 1 }, process.cwd());
    await expect(missing.run('Hi', 2, [0])).rejects.toThrow(/reference: the process ended \(exit 1\): .*no-such-checkpoint/);
    await missing.close();
    const noPython = ReferenceProcess.start({ python: join(process.cwd(), 'no-such-python'), checkpoint: DEMO_CHECKPOINT, imagePath, threads: 1 }, process.cwd());
    await expect(noPython.run('Hi', 2, [0])).rejects.toThrow(/reference: the process ended \(.*ENOENT/);
    await noPython.close();
  }, 60_000);

  it('skips what the reference prints besides its replies, reports its errors and ends a process that hangs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dexar-reference-'));
    try {
      // Stand-ins for Python: one answers every line after some noise, the other ignores stdin.
      const chatty = join(dir, 'chatty');
      writeFileSync(chatty, `#!/bin/sh
while read line; do
  echo "Loading weights"; echo "{not json"
  case "$line" in
    *boom*) echo '{"error": "ValueError: boom"}' ;;
    *) echo '{"tokens": 2, "generate_seconds": 0.1, "explain_seconds": 0.2, "explain_seconds_per_token": 0.1}' ;;
  esac
done
`);
      const stuck = join(dir, 'stuck');
      writeFileSync(stuck, '#!/bin/sh\nexec sleep 60\n');
      for (const f of [chatty, stuck]) chmodSync(f, 0o755);
      const ref = { checkpoint: dir, imagePath: join(dir, 'x.png'), threads: 1 };
      const talker = ReferenceProcess.start({ ...ref, python: chatty }, dir);
      await expect(talker.run('Hi', 2, [0])).resolves.toEqual({ tokens: 2, generate_seconds: 0.1, explain_seconds: 0.2, explain_seconds_per_token: 0.1 });
      await expect(talker.run('boom', 2, [0])).rejects.toThrow(/^reference: ValueError: boom$/);
      await expect(talker.run('Hi again', 2, [0])).resolves.toMatchObject({ tokens: 2 });
      await talker.close();
      const sleeper = ReferenceProcess.start({ ...ref, python: stuck }, dir);
      const started = performance.now();
      await sleeper.close(200);
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the ratios', () => {
    const pairedRatio = { median: 1.4, min: 1.25, max: 2 };
    const line = formatBenchRow({ tokens: 32, plainSeconds: 1, explainedSeconds: 1.5, pairedRatio, referenceSeconds: 30, referenceGenerateSeconds: 3, referenceTokens: 32, pairedSpeedup: { median: 21, min: 9.5, max: 30 } });
    expect(line).toContain('1.50× plain; per round median 1.40×, 1.25–2.00×');
    expect(line).toContain('22.0× faster than the reference (20.0× its explain loop alone; per reference round median 21.0×, 9.5–30.0×)');
    expect(formatBenchRow({ tokens: 8, plainSeconds: 1, explainedSeconds: 1, pairedRatio, referenceSeconds: null, referenceGenerateSeconds: null, referenceTokens: null, pairedSpeedup: null })).toContain('reference: not run');
  });
});
