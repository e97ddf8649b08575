/** Starts `dexar serve` as a real child process for a spec and stops it afterwards. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where specs save screenshots; README's refresh command points it at docs/screenshots. */
export function screenshotPath(name: string): string {
  return join(REPO_ROOT, process.env.DEXAR_SCREENSHOT_DIR ?? 'test-results/screenshots', name);
}

export interface RunningHost {
  launchUrl: string;
  /** A single-use launch URL without the token (what `npm start` hands to Chromium). */
  launchOnceUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface HostOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Reuse a data folder (and so its sample project) from an earlier host: a relaunch. */
  dataDir?: string;
}

export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const scratch = mkdtempSync(join(tmpdir(), 'dexar-e2e-'));
  const urlFile = join(scratch, 'url.txt');
  const onceFile = join(scratch, 'launch-url.txt');
  const dataDir = options.dataDir ?? join(scratch, 'home');
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'main/cli/bin.mjs'), 'serve', '--url-file', urlFile, '--launch-url-file', onceFile, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, DEXAR_HOME: dataDir, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 120_000; // the first start may build the renderer
  while (!existsSync(onceFile) || readFileSync(onceFile, 'utf8').trim() === '') {
    if (child.exitCode !== null) throw new Error(`dexar serve exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('dexar serve did not start within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    launchUrl: readFileSync(urlFile, 'utf8').trim(),
    launchOnceUrl: readFileSync(onceFile, 'utf8').trim(),
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      // The data folder outlives its host when a later host reuses it.
      rmSync(urlFile, { force: true });
      rmSync(onceFile, { force: true });
    },
  };
}
