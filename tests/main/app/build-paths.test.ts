import { describe, expect, it } from 'vitest';
import { unpackedPath } from '../../../main/app/build-paths';

describe('main/app/build-paths/unpackedPath', () => {
  it('points into app.asar.unpacked inside a package and leaves other paths alone', () => {
    expect(unpackedPath('/opt/DEX-AR Workstation/resources/app.asar/build/main/graph-worker.mjs')).toBe('/opt/DEX-AR Workstation/resources/app.asar.unpacked/build/main/graph-worker.mjs');
    expect(unpackedPath('C:\\Program Files\\DEX-AR\\resources\\app.asar\\build\\main\\engine-worker.mjs')).toBe('C:\\Program Files\\DEX-AR\\resources\\app.asar.unpacked\\build\\main\\engine-worker.mjs');
    expect(unpackedPath('/work/main/build/main/engine-worker.mjs')).toBe('/work/main/build/main/engine-worker.mjs');
    expect(unpackedPath('/work/my.app.asar.notes/build/main/x.mjs')).toBe('/work/my.app.asar.notes/build/main/x.mjs');
  });
});
