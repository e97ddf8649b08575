import { expect, test, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, screenshotPath, startHost, type RunningHost } from './headless-host';

// The built-in demo model when its bundle is present; until then the tiny parity bundles.
const DEMO = join(REPO_ROOT, 'models/bundles/shapes-llava-tiny/manifest.json');
const env: Record<string, string> = existsSync(DEMO) ? {} : { DEXAR_BUNDLES_DIR: join(REPO_ROOT, 'tests/fixtures/bundles') };
console.log(`workspace.spec: model bundles from ${env.DEXAR_BUNDLES_DIR ?? 'models/bundles (demo model)'}`);

test.describe.configure({ mode: 'serial' });

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost({ env });
});
test.afterAll(async () => {
  await host.stop();
});

async function canvasPixels(page: Page): Promise<Buffer> {
  return page.getByTestId('canvas').screenshot();
}

test('open an image, generate and explain, switch token maps, annotate, and find it all after a relaunch', async ({ page }) => {
  test.setTimeout(180_000);
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(host.launchUrl);

  // Open a sample image and run the model on it.
  await page.getByTestId('thumbnail').first().click();
  await expect(page.getByTestId('generate')).toBeEnabled();
  await page.getByTestId('prompt').fill('Describe the image.');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-history').locator('button')).toHaveCount(1, { timeout: 60_000 });
  const tokens = page.getByTestId('token');
  expect(await tokens.count()).toBeGreaterThanOrEqual(2);
  await page.screenshot({ path: screenshotPath('run-view.png') });

  // Two different tokens give two different canvases.
  await tokens.nth(0).click();
  await page.waitForTimeout(200);
  const first = await canvasPixels(page);
  await tokens.nth(1).click();
  await page.waitForTimeout(200);
  const second = await canvasPixels(page);
  expect(first.equals(second)).toBe(false);
  // ← returns to the first token's map.
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(200);
  expect((await canvasPixels(page)).equals(first)).toBe(true);

  // Annotate: a polygon, a tag and a note, linked to the selected token.
  await page.getByTestId('tab-annotate').click();
  await page.getByTestId('tool-polygon').click();
  const box = await page.getByTestId('canvas').boundingBox();
  if (!box) throw new Error('canvas has no box');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.click(cx - 60, cy - 40);
  await page.mouse.click(cx + 60, cy - 40);
  await page.mouse.click(cx, cy + 50);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('regions').locator('li')).toHaveText([/polygon 1/]);
  await page.getByTestId('tag-wrong-attribute').click();
  await page.getByTestId('note').fill('Colour word grounded on the wrong object');
  await page.getByTestId('note').blur();
  await page.getByTestId('save-annotation').click();
  await expect(page.getByTestId('findings')).toContainText('Wrong attribute');
  await page.screenshot({ path: screenshotPath('annotate.png') });

  // Relaunch the workstation on the same data folder: the run and the finding are still there.
  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  await host.stop();
  host = await startHost({ env, dataDir: host.dataDir });
  await page.goto(host.launchUrl);
  consoleErrors.length = 0; // the old page's socket failed to reconnect to the stopped host, as it should
  await page.getByTestId('thumbnail').first().click();
  await expect(page.getByTestId('run-history').locator('button')).toHaveCount(1);
  await page.getByTestId('tab-annotate').click();
  await expect(page.getByTestId('findings')).toContainText('Wrong attribute');
  await page.getByTestId('findings').getByText('Wrong attribute').click();
  await expect(page.getByTestId('note')).toHaveValue('Colour word grounded on the wrong object');
  await expect(page.getByTestId('regions').locator('li')).toHaveText([/polygon 1/]);
  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
});
