import { describe, expect, it } from 'vitest';
import { formatStoreBenchmark, runStoreBenchmark } from '../../../main/store/bench';

// Not a timing test: checks that the benchmark builds a real project and reports what it measured.
describe('store/bench.runStoreBenchmark', () => {
  it('builds a small project, queries it and formats a report', async () => {
    const report = await runStoreBenchmark({ images: 6, runs: 9, tokens: 5, imageWidth: 64, imageHeight: 48, repeats: 2 });
    expect(report).toMatchObject({ images: 6, runs: 9, tokensPerRun: 5 });
    expect(report.queries.map((q) => q.name)).toContain('prompt text "red star"');
    expect(report.queries.find((q) => q.name === 'no filter, newest first')?.total).toBe(9);
    expect(report.queries.find((q) => q.name === 'model')?.total).toBe(3);
    expect(report.bytesPerRun).toBeGreaterThan(5 * 4 * 64);
    const text = formatStoreBenchmark(report);
    expect(text).toMatch(/^project store benchmark: 6 images, 9 explained runs/);
    expect(text).toMatch(/result: (PASS|FAIL)/);
  });
});
