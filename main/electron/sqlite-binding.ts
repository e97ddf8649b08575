/**
 * Where the Electron build of better-sqlite3 lies (main/electron/build-native.mjs writes it):
 * build/native/electron/ beside build/main/. In a package the file is unpacked from the asar
 * archive (electron-builder.yml `asarUnpack`), because native code loads only from real files.
 */
import { join } from 'node:path';
import { unpackedPath } from '../app/build-paths';

/** `mainDir`: the folder of the running Electron entry bundle (build/main). */
export function electronSqliteAddonPath(mainDir: string): string {
  return unpackedPath(join(mainDir, '..', 'native', 'electron', 'better_sqlite3.node'));
}
