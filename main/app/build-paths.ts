/**
 * Locations of built artefacts. The bundles live in build/main/, so paths are resolved from the
 * running file, which works from a checkout and from an unpacked Electron app alike.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function buildRoot(): string {
  // build/main/<bundle>.{mjs,cjs} → build/
  return join(dirname(fileURLToPath(import.meta.url)), '..');
}

export function rendererDir(): string {
  return process.env.DEXAR_RENDERER_DIR ?? join(buildRoot(), 'renderer');
}

export function preloadPath(): string {
  return join(buildRoot(), 'preload', 'index.cjs');
}
