/**
 * Which compiled better-sqlite3 addon this process loads. better-sqlite3 is built against V8's
 * ABI, not Node-API, so one binary cannot serve both runtimes:
 * - under Node (CLI, headless host, tests) the addon `npm ci` compiled into node_modules is used;
 * - under Electron a separate copy built for Electron's ABI (main/electron/build-native.mjs,
 *   build/native/electron/) is loaded through better-sqlite3's `nativeBinding` option. The
 *   Electron entry passes its path in with `useElectronSqliteBinding`; the store never imports
 *   Electron.
 * Beside the addon, `better_sqlite3.json` records the Electron version it was built for, so a
 * stale copy fails with a message instead of an ABI crash.
 */
import { readFileSync } from 'node:fs';

/** Electron is running but no fitting build of the addon is there. */
export class SqliteBindingError extends Error {
  override name = 'SqliteBindingError';
}

/** What the build step writes beside the addon. */
export interface SqliteBindingStamp {
  /** `process.versions.electron` of the Electron the addon was compiled for. */
  electronVersion: string;
}

export interface SqliteBindingInput {
  /** `process.versions` of the running process (`electron` is set only inside Electron). */
  versions: { readonly electron?: string | undefined };
  /** The Electron build of the addon, as the Electron entry configured it (undefined elsewhere). */
  electronBinding: string | undefined;
  /** Reads the stamp beside an addon; undefined when there is none. */
  readStamp: (addonPath: string) => SqliteBindingStamp | undefined;
}

export const BUILD_COMMAND = 'node main/electron/build-native.mjs';

/** The addon path to pass as `nativeBinding`, or undefined for better-sqlite3's own (Node) build. */
export function selectSqliteBinding(input: SqliteBindingInput): string | undefined {
  const electron = input.versions.electron;
  if (electron === undefined) return undefined;
  const addon = input.electronBinding;
  if (addon === undefined) {
    throw new SqliteBindingError(`running in Electron ${electron}, expected the Electron build of better-sqlite3 to be configured (useElectronSqliteBinding), found none`);
  }
  const stamp = input.readStamp(addon);
  if (!stamp) throw new SqliteBindingError(`expected better-sqlite3 built for Electron ${electron} at ${addon}, found none; build it with \`${BUILD_COMMAND}\``);
  if (stamp.electronVersion !== electron) {
    throw new SqliteBindingError(`better-sqlite3 at ${addon} was built for Electron ${stamp.electronVersion}, but this is Electron ${electron}; rebuild it with \`${BUILD_COMMAND}\``);
  }
  return addon;
}

/** The stamp file beside an addon: `better_sqlite3.node` → `better_sqlite3.json`. */
export function stampPath(addonPath: string): string {
  return addonPath.replace(/(\.node)?$/, '.json');
}

/** Reads the stamp the build step wrote beside an addon; undefined when there is none. */
export function readSqliteBindingStamp(addonPath: string): SqliteBindingStamp | undefined {
  let raw: string;
  try {
    raw = readFileSync(stampPath(addonPath), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const stamp = JSON.parse(raw) as Partial<SqliteBindingStamp>;
  if (typeof stamp.electronVersion !== 'string') throw new SqliteBindingError(`${stampPath(addonPath)}: expected {"electronVersion": "…"}, found ${raw.slice(0, 80)}`);
  return { electronVersion: stamp.electronVersion };
}

let electronBinding: string | undefined;

/** Called once by the Electron entry, before any project is opened. */
export function useElectronSqliteBinding(addonPath: string): void {
  electronBinding = addonPath;
}

/** better-sqlite3 constructor options that pick this process's addon (empty under Node). */
export function sqliteBindingOptions(): { nativeBinding?: string } {
  const nativeBinding = selectSqliteBinding({ versions: process.versions, electronBinding, readStamp: readSqliteBindingStamp });
  return nativeBinding === undefined ? {} : { nativeBinding };
}
