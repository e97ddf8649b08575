#!/usr/bin/env node
// Builds what is missing or stale: main + CLI (esbuild, ESM), the Electron entry and the sandboxed
// preload (esbuild, CommonJS: sandboxed preloads cannot load ES modules), and the renderer (Vite).
// `--force` rebuilds everything. Used by `npm run build`, `npm start` and the `dexar` launcher.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'build');
const stampFile = join(out, '.stamp');
const SOURCE_DIRS = ['main', 'preload', 'renderer', 'shared'];
const SOURCE_FILES = ['package.json', 'tsconfig.json'];

async function newestMtime(path) {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
}

export async function isStale() {
  const stamp = await stat(stampFile).catch(() => undefined);
  if (!stamp) return true;
  for (const path of [...SOURCE_DIRS, ...SOURCE_FILES]) {
    if ((await newestMtime(join(root, path))) > stamp.mtimeMs) return true;
  }
  return false;
}

export async function build({ quiet = false } = {}) {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: quiet ? 'error' : 'warning', absWorkingDir: root };
  await mkdir(out, { recursive: true });
  await esbuild.build({
    ...common,
    // The engine worker runs beside either host: build/main/engine-worker.mjs, and its graph
    // thread beside it (build/main/graph-worker.mjs).
    entryPoints: { cli: 'main/cli/dexar.ts', 'engine-worker': 'main/engine/worker/entry.ts', 'graph-worker': 'main/engine/graph-thread/entry.ts' },
    outdir: join(out, 'main'),
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    packages: 'external',
  });
  await esbuild.build({
    ...common,
    entryPoints: { electron: 'main/electron/main.ts' },
    outdir: join(out, 'main'),
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    packages: 'external',
    // Electron's main process loads CommonJS; give shared code its import.meta.url there too.
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  // The preload runs sandboxed: everything but `electron` must be bundled in.
  await esbuild.build({
    ...common,
    entryPoints: { index: 'preload/index.ts' },
    outdir: join(out, 'preload'),
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    platform: 'browser',
    external: ['electron'],
  });
  const vite = await import('vite');
  await vite.build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
  await writeFile(stampFile, new Date().toISOString());
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const force = process.argv.includes('--force');
  if (force || (await isStale())) {
    await build();
    console.log('build: done');
  } else {
    console.log('build: up to date');
  }
}
