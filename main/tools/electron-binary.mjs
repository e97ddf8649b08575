// Finds an installed Electron binary without triggering the electron package's own download
// (requiring `electron` from Node fetches it when missing, which cannot work offline).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @returns {string | undefined} the executable's path, or undefined when none is installed */
export function findElectronBinary(root) {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : undefined;
}
