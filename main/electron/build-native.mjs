#!/usr/bin/env node
// Builds a second copy of better-sqlite3 for Electron's ABI into build/native/electron/, leaving
// node_modules (built for Node by `npm ci`, used by the CLI, the headless host and the tests)
// untouched. The Electron entry loads that copy through better-sqlite3's `nativeBinding` option
// (main/store/native-binding.ts). Beside the addon, better_sqlite3.json records the Electron
// version, so a stale copy is refused with a message instead of crashing on an ABI mismatch.
//
//   node main/electron/build-native.mjs [--electron-version X] [--arch A]
//
// It runs @electron/rebuild on a staging copy of better-sqlite3's sources; node-gyp then needs
// Electron's headers (downloaded from https://www.electronjs.org/headers on first use, cached
// in ~/.electron-gyp) and a C++ toolchain. electron-builder calls it from its `beforeBuild` hook
// (main/electron/before-build.cjs) with the Electron version it packages.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADDON = 'better_sqlite3.node';
export const OUT_DIR = join(root, 'build', 'native', 'electron');

export function installedElectronVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  } catch {
    throw new Error('build-native: expected the electron package in node_modules (or --electron-version), found none');
  }
}

/** Compiles better-sqlite3 for one Electron version; returns the addon's path. */
export async function buildElectronSqlite({ electronVersion = installedElectronVersion(), arch = process.arch, outDir = OUT_DIR } = {}) {
  const source = join(root, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  mkdirSync(join(root, 'build', 'native'), { recursive: true });
  // A throwaway app whose only dependency is a copy of the sources, so the in-place rebuild
  // @electron/rebuild does never touches the project's node_modules.
  const stage = mkdtempSync(join(root, 'build', 'native', '.stage-'));
  try {
    const copy = join(stage, 'node_modules', 'better-sqlite3');
    cpSync(source, copy, { recursive: true, filter: (path) => !relative(source, path).split(sep).includes('build') });
    writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'dexar-native-stage', private: true, version: '0.0.0', dependencies: { 'better-sqlite3': version } }));
    const { rebuild } = await import('@electron/rebuild');
    try {
      await rebuild({ buildPath: stage, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true, buildFromSource: true });
    } catch (err) {
      throw new Error(`build-native: compiling better-sqlite3 ${version} for Electron ${electronVersion} (${arch}) failed; node-gyp needs Electron's headers (https://www.electronjs.org/headers, cached in ~/.electron-gyp) and a C++ toolchain`, { cause: err });
    }
    mkdirSync(outDir, { recursive: true });
    const addon = join(outDir, ADDON);
    copyFileSync(join(copy, 'build', 'Release', ADDON), addon);
    writeFileSync(join(outDir, 'better_sqlite3.json'), `${JSON.stringify({ electronVersion, betterSqlite3: version, platform: process.platform, arch }, null, 2)}\n`);
    return addon;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { 'electron-version': { type: 'string' }, arch: { type: 'string' } } });
  const addon = await buildElectronSqlite({ electronVersion: values['electron-version'] ?? installedElectronVersion(), arch: values.arch ?? process.arch });
  console.log(`better-sqlite3 for Electron: ${relative(root, addon)}`);
}
