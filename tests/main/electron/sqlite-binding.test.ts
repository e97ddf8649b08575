import { describe, expect, it } from 'vitest';
import { electronSqliteAddonPath } from '../../../main/electron/sqlite-binding';

describe('electron/electronSqliteAddonPath', () => {
  it('finds the Electron build beside build/main in a checkout', () => {
    expect(electronSqliteAddonPath('/work/app/build/main')).toBe('/work/app/build/native/electron/better_sqlite3.node');
  });

  it('reads the unpacked copy in a package: native code cannot load from inside the asar', () => {
    expect(electronSqliteAddonPath('/opt/DEX-AR Workstation/resources/app.asar/build/main')).toBe('/opt/DEX-AR Workstation/resources/app.asar.unpacked/build/native/electron/better_sqlite3.node');
  });
});
