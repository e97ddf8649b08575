/** The engine's worker scripts as the app runs them: bundled JavaScript, built the way main/tools/build.mjs does. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds the engine worker and its graph thread into build/<folder>/ (engine-worker.mjs, graph-worker.mjs). */
async function buildWorkers(folder: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outdir = join(root, 'build', folder);
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { 'engine-worker': 'main/engine/worker/entry.ts', 'graph-worker': 'main/engine/graph-thread/entry.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  return outdir;
}

/** The engine worker's path (its graph thread lies beside it). */
export async function buildEngineWorker(folder: string): Promise<string> {
  return join(await buildWorkers(folder), 'engine-worker.mjs');
}

/** The graph thread's path (graph-thread/entry.ts). */
export async function buildGraphWorker(folder: string): Promise<string> {
  return join(await buildWorkers(folder), 'graph-worker.mjs');
}
