/**
 * The PyTorch reference kept running for a benchmark (`python -m models.reference --serve`): the
 * model loads once and each request is timed warm, as the engine's runs are, instead of one cold
 * Python process per reference run (that cost ~10 s each and timed first-call overheads).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ReferenceRunner {
  /** Python interpreter with models/ importable (run from the repo root). */
  readonly python: string;
  /** HF checkpoint folder the bundle was exported from. */
  readonly checkpoint: string;
  readonly imagePath: string;
  readonly threads: number;
}

export interface ReferenceTimings {
  readonly tokens: number;
  readonly generate_seconds: number;
  readonly explain_seconds: number;
  readonly explain_seconds_per_token: number;
}

function isTimings(v: unknown): v is ReferenceTimings {
  const t = v as Partial<Record<keyof ReferenceTimings, unknown>>;
  return typeof v === 'object' && v !== null && [t.tokens, t.generate_seconds, t.explain_seconds, t.explain_seconds_per_token].every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** A JSON object on one line, or undefined for anything else (a library's output). */
function parseLine(line: string): unknown {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

export class ReferenceProcess {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';
  /** How the process ended: its exit code or signal, or why it could not start. */
  private readonly ended: Promise<string>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.ended = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(`exit ${code ?? signal}`));
      child.once('error', (err) => resolve(err.message));
    });
    // A broken pipe (the process died) surfaces through run()'s closed stdout, not as a crash.
    child.stdin.on('error', () => undefined);
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static start(ref: ReferenceRunner, cwd: string): ReferenceProcess {
    const args = ['-m', 'models.reference', '--serve', '--hf', ref.checkpoint, '--image', ref.imagePath, '--threads', String(ref.threads)];
    return new ReferenceProcess(spawn(ref.python, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** One greedy generation of `tokens` tokens (EOS ignored) and its explanation over `layers`. */
  async run(prompt: string, tokens: number, layers: readonly number[]): Promise<ReferenceTimings> {
    if (this.child.stdin.writable) this.child.stdin.write(`${JSON.stringify({ prompt, max_new_tokens: tokens, layers, ignore_eos: true })}\n`);
    // Lines that are not JSON (a library printing to stdout) are skipped.
    for (let next = await this.lines.next(); !next.done; next = await this.lines.next()) {
      const reply = parseLine(next.value);
      if (reply === undefined) continue;
      if (isTimings(reply)) return reply;
      const error = (reply as { error?: unknown }).error;
      throw new Error(`reference: ${typeof error === 'string' ? error : `expected timings, found ${next.value.slice(0, 200)}`}`);
    }
    const how = await this.ended;
    const last = this.stderr.trim().split('\n').pop() ?? '';
    throw new Error(`reference: the process ended (${how}): ${last.slice(0, 300)}`);
  }

  /** Ends the process (it exits when its stdin closes), killing it if it has not after `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    if ((await Promise.race([this.ended.then(() => 'ended'), late.then(() => 'late')])) === 'late') {
      this.child.kill('SIGKILL');
      await this.ended;
    }
    clearTimeout(timer);
  }
}
