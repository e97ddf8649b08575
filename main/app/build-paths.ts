/**
 * Locations of built artefacts. The bundles live in build/main/, so paths are resolved from the
 * running file, which works from a checkout and from an unpacked Electron app alike.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function buildRoot(): string {
  // build/main/<bundle>.{mjs,cjs} → build/
  return join(dirname(fileURLToPath(import.meta.url)), '..');
}

/**
 * A file electron-builder unpacked from the asar archive (electron-builder.yml `asarUnpack`), at
 * its real location: native addons and worker threads load only from real files. Outside a
 * package the path is returned as is.
 */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar(?=[\\/])/, '$1app.asar.unpacked');
}

export function rendererDir(): string {
  return process.env.DEXAR_RENDERER_DIR ?? join(buildRoot(), 'renderer');
}

export function preloadPath(): string {
  return join(buildRoot(), 'preload', 'index.cjs');
}

/** Shipped sample images for the sample project: beside the app when packaged, else in models/. */
export function samplesDir(): string {
  if (process.env.DEXAR_SAMPLES_DIR) return process.env.DEXAR_SAMPLES_DIR;
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources && existsSync(join(resources, 'samples'))) return join(resources, 'samples');
  return join(buildRoot(), '..', 'models', 'samples');
}

/** Built-in model bundles: beside the app when packaged, else models/bundles in the checkout. */
export function bundlesDir(): string {
  if (process.env.DEXAR_BUNDLES_DIR) return process.env.DEXAR_BUNDLES_DIR;
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources && existsSync(join(resources, 'bundles'))) return join(resources, 'bundles');
  return join(buildRoot(), '..', 'models', 'bundles');
}
