/** The engine worker as the app runs it: bundled JavaScript, built the way main/tools/build.mjs does. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds main/engine/worker/entry.ts into build/<folder>/engine-worker.mjs and returns its path. */
export async function buildEngineWorker(folder: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outdir = join(root, 'build', folder);
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { 'engine-worker': 'main/engine/worker/entry.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  return join(outdir, 'engine-worker.mjs');
}
