/** `dexar bench-store`: gallery query latency, import throughput and file size at scale. */
import { formatStoreBenchmark, runStoreBenchmark } from '../../store/bench';
import { parseFlags, positiveInt } from '../args';
import { progressBar } from '../progress';

export const summary = 'time gallery queries and imports on a generated 2,000-run project';
export const usage = `dexar bench-store [--images N] [--runs N] [--tokens N] [--repeats N] [--dir D] [--keep]

  --images N   images to import (default 2000)
  --runs N     explained runs to save (default 2000)
  --tokens N   tokens per run (default 24)
  --repeats N  timed repetitions per query, median reported
  --dir D      where to build the project (default: a temp folder)
  --keep       keep the generated project file`;

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    images: { type: 'string' },
    runs: { type: 'string' },
    tokens: { type: 'string' },
    repeats: { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean' },
  });
  const bar = progressBar('bench-store');
  const options = {
    images: positiveInt('images', flags.images),
    runs: positiveInt('runs', flags.runs),
    tokens: positiveInt('tokens', flags.tokens),
    repeats: positiveInt('repeats', flags.repeats),
    dir: flags.dir,
    keep: flags.keep,
  };
  const report = await runStoreBenchmark({
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    onProgress: (phase: string, done: number, total: number) => bar.update(done, total, phase),
  });
  bar.done();
  process.stdout.write(`${formatStoreBenchmark(report)}\n`);
  if (!report.pass) process.exitCode = 1;
}
