#!/usr/bin/env node
// `npm start`: builds what is missing, then opens the workstation on the sample project —
// in Electron when its binary is installed, else over the headless host in Chromium's app mode
// when a Chromium/Chrome is found and a display is available, else by printing the URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { build, isStale } = await import(pathToFileURL(join(root, 'main', 'tools', 'build.mjs')).href);
if (await isStale()) {
  console.log('Building the workstation…');
  await build({ quiet: true });
}

const binary = findElectronBinary(root);
const electron = binary && process.env.DEXAR_NO_ELECTRON !== '1' && (await electronSqliteReady()) ? binary : undefined;
if (electron) {
  // Launch the app folder (not the bundle file) so Electron reads package.json: name, paths.
  const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!binary) console.log('Electron binary not installed (`npx install-electron` fetches it where the network allows); using the headless host.');
  const { main } = await import(pathToFileURL(join(root, 'build', 'main', 'cli.mjs')).href);
  // The browser gets a single-use launch URL: a command line is readable by every local user.
  const urlFile = join(mkdtempSync(join(tmpdir(), 'dexar-start-')), 'launch-url.txt');
  const code = await main(['serve', '--launch-url-file', urlFile, ...process.argv.slice(2)]);
  if (code !== 0 || !existsSync(urlFile)) process.exit(code || 1);
  openInChromium(readFileSync(urlFile, 'utf8').trim());
}

/**
 * Electron needs better-sqlite3 compiled for its own ABI (node_modules holds the Node build):
 * build it once per Electron version (main/electron/build-native.mjs). When that cannot be done
 * here (no headers, no compiler), say why and use the headless host instead of crashing.
 */
async function electronSqliteReady() {
  const { buildElectronSqlite, OUT_DIR, installedElectronVersion } = await import(pathToFileURL(join(root, 'main', 'electron', 'build-native.mjs')).href);
  const stamp = join(OUT_DIR, 'better_sqlite3.json');
  try {
    const version = installedElectronVersion();
    if (existsSync(stamp) && JSON.parse(readFileSync(stamp, 'utf8')).electronVersion === version) return true;
    console.log(`Compiling better-sqlite3 for Electron ${version} (once)…`);
    await buildElectronSqlite({ electronVersion: version });
    return true;
  } catch (err) {
    console.log(`${err instanceof Error ? err.message : String(err)}; using the headless host.`);
    return false;
  }
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function findChromium() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const which = spawnSync('which', [name], { encoding: 'utf8' });
    if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  }
  return undefined;
}

function openInChromium(url) {
  const chromium = findChromium();
  // Chromium refuses to run as root without --no-sandbox, which we will not pass for the user.
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!chromium || !hasDisplay() || asRoot) {
    const why = !chromium ? 'No Chromium/Chrome found' : !hasDisplay() ? 'No display found' : 'Running as root (Chromium needs its sandbox)';
    console.log(`${why}; open the URL above in a browser on this machine.`);
    return;
  }
  const profile = mkdtempSync(join(tmpdir(), 'dexar-chromium-'));
  const child = spawn(chromium, [`--app=${url}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'], {
    stdio: 'ignore',
    detached: false,
  });
  child.on('error', (err) => console.log(`Could not start ${chromium} (${err.message}); open the URL above in a browser.`));
  child.on('exit', () => {
    console.log('Workstation window closed.');
    process.exit(0);
  });
}
