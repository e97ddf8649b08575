import { _electron as electron, expect, test } from '@playwright/test';
import { join } from 'node:path';
import { findElectronBinary } from '../../main/tools/electron-binary.mjs';
import { REPO_ROOT } from './headless-host';

const binary = findElectronBinary(REPO_ROOT);
const SKIP_REASON = 'no Electron binary installed (run `npx install-electron` where the network allows)';
if (binary === undefined) console.log(`electron.spec: skipped — ${SKIP_REASON}`);

test('the Electron window opens the workstation with a sandboxed preload API', async () => {
  test.skip(binary === undefined, SKIP_REASON);
  const app = await electron.launch({ executablePath: binary, args: [join(REPO_ROOT, 'build/main/electron.cjs')], cwd: REPO_ROOT });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('host-kind')).toHaveText('Desktop');
    await expect(window.getByTestId('project-name')).toContainText('Sample project');
    // The renderer has the bridge object and no Node.
    expect(await window.evaluate(() => typeof (window as unknown as { dexar?: unknown }).dexar)).toBe('object');
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  } finally {
    await app.close();
  }
});
