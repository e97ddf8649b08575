import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  await expect(page.getByTestId('run-history').locator('button.entry')).toHaveCount(1, { timeout: 60_000 });
  const tokens = page.getByTestId('token');
  expect(await tokens.count()).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('map-caption')).toHaveText(/^Sentence map · \d+ of \d+ tokens have δ > 0$/);
  await page.screenshot({ path: screenshotPath('run-view.png') });

  // Two different tokens give two different canvases, and the caption names the token on show.
  await tokens.nth(0).click();
  await expect(page.getByTestId('map-caption')).toHaveText(/^Token 0 “.+” · p \d\.\d\d · δ (0: linguistic, no weight in the sentence map|\d\.\d{3}.*)$/);
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

  // The head/layer browser shows the selected token's maps per layer and head with their weights.
  await page.getByTestId('tab-heads').click();
  await expect(page.getByTestId('head-cell').first()).toBeVisible();
  expect(await page.getByTestId('head-cell').count()).toBeGreaterThanOrEqual(4);
  await page.screenshot({ path: screenshotPath('heads.png') });

  // An analyst-edited copy of the map, painted and saved beside the computed one.
  await page.getByTestId('tab-layers').click();
  // Opacity and visibility are node properties over cached rasters: the canvas changes and
  // comes back to exactly the same pixels.
  const dexarLayer = page.locator('[data-testid="layer"][data-layer="dexar"]');
  await page.waitForTimeout(200);
  const shown = await canvasPixels(page);
  await dexarLayer.locator('input[type="range"]').first().fill('0.2');
  await page.waitForTimeout(200);
  expect((await canvasPixels(page)).equals(shown)).toBe(false);
  await dexarLayer.locator('input[type="range"]').first().fill('0.65');
  await dexarLayer.getByTitle('Hide layer').click();
  await page.waitForTimeout(200);
  expect((await canvasPixels(page)).equals(shown)).toBe(false);
  await dexarLayer.getByTitle('Show layer').click();
  await page.waitForTimeout(200);
  expect((await canvasPixels(page)).equals(shown)).toBe(true);
  const beforePaint = await canvasPixels(page);
  await page.getByTestId('edit-copy').click();
  const area = await page.getByTestId('canvas').boundingBox();
  if (!area) throw new Error('canvas has no box');
  await page.mouse.move(area.x + area.width * 0.3, area.y + area.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(area.x + area.width * 0.7, area.y + area.height * 0.7, { steps: 12 });
  await page.mouse.up();
  await page.getByTestId('save-edited').click();
  await expect(page.getByTestId('save-edited')).toHaveText('Saved');
  expect((await canvasPixels(page)).equals(beforePaint)).toBe(false);
  await page.getByTestId('paint').click();

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

  // A second run on the same image, then both side by side.
  await page.getByTestId('tab-run').click();
  await page.getByTestId('prompt').fill('What color is the star?');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-history').locator('button.entry')).toHaveCount(2, { timeout: 60_000 });
  await page.getByTestId('add-compare').nth(0).click();
  await page.getByTestId('add-compare').nth(1).click();
  await page.getByTestId('view-compare').click();
  await expect(page.getByTestId('compare-pane')).toHaveCount(2);
  // The panes' token strips share one δ scale, as the comparison report's answers do.
  await expect(page.getByTestId('delta-scale')).toHaveText(/^δ max \d+\.\d\d$/);
  await page.screenshot({ path: screenshotPath('compare.png') });
  // Synchronised zoom: a wheel over one pane zooms both.
  const panes = page.getByTestId('compare-canvas');
  const before = [await panes.nth(0).screenshot(), await panes.nth(1).screenshot()];
  const paneBox = await panes.nth(0).boundingBox();
  if (!paneBox) throw new Error('pane has no box');
  await page.mouse.move(paneBox.x + paneBox.width / 2, paneBox.y + paneBox.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForTimeout(200);
  expect((await panes.nth(0).screenshot()).equals(before[0] as Buffer)).toBe(false);
  expect((await panes.nth(1).screenshot()).equals(before[1] as Buffer)).toBe(false);
  await page.getByTestId('mode-difference').click();
  await expect(page.getByTestId('compare-canvas')).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('compare-difference.png') });
  await page.getByTestId('mode-swipe').click();
  await expect(page.getByTestId('swipe')).toBeVisible();

  // The annotated run shows up in a gallery filtered by its tag; save and pin it.
  await page.getByTestId('view-gallery').click();
  await expect(page.getByTestId('gallery-count')).toContainText('2 runs');
  await page.getByTestId('filter-wrong-attribute').click();
  await expect(page.getByTestId('gallery-count')).toContainText('1 run');
  await expect(page.getByTestId('gallery-item')).toHaveCount(1);
  await page.getByTestId('gallery-name').fill('Attribute failures');
  await page.getByTestId('gallery-save').click();
  await page.getByTestId('pin').click();
  await expect(page.getByTestId('pin')).toHaveText('Pinned');
  await page.screenshot({ path: screenshotPath('gallery.png') });
  // Export the gallery as a review-board PDF into a folder picked in the in-app browser.
  const exportDir = mkdtempSync(join(tmpdir(), 'dexar-e2e-export-'));
  await page.getByTestId('export-pdf').click();
  await page.getByTestId('browser-path').fill(exportDir);
  await page.getByTestId('browser-path').press('Enter');
  await expect(page.getByTestId('file-browser')).toHaveAttribute('data-folder', exportDir);
  await page.getByTestId('browser-name').fill('attribute failures');
  await page.getByTestId('browser-confirm').click();
  await expect(page.getByTestId('status-bar')).toContainText('Saved', { timeout: 30_000 });
  const pdf = join(exportDir, 'attribute failures.pdf');
  expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  expect(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' })).toContain('Describe the image.');
  // Open the item back in the run view.
  await page.getByTestId('gallery-item').locator('button.open').click();
  await expect(page.getByTestId('tab-annotate')).toContainText('(1)');

  // Relaunch the workstation on the same data folder: the run and the finding are still there.
  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  await host.stop();
  host = await startHost({ env, dataDir: host.dataDir });
  await page.goto(host.launchUrl);
  consoleErrors.length = 0; // the old page's socket failed to reconnect to the stopped host, as it should
  await page.getByTestId('thumbnail').first().click();
  await expect(page.getByTestId('run-history').locator('button.entry')).toHaveCount(2);
  await page.getByTestId('view-gallery').click();
  await page.getByTestId('gallery-select').selectOption({ label: 'Attribute failures (1 pinned)' });
  await expect(page.getByTestId('gallery-count')).toContainText('1 run · Attribute failures');
  await page.getByTestId('gallery-item').locator('button.open').click();
  await page.getByTestId('tab-annotate').click();
  await expect(page.getByTestId('findings')).toContainText('Wrong attribute');
  await page.getByTestId('findings').getByText('Wrong attribute').click();
  await expect(page.getByTestId('note')).toHaveValue('Colour word grounded on the wrong object');
  await expect(page.getByTestId('regions').locator('li')).toHaveText([/polygon 1/]);
  await page.getByTestId('tab-layers').click();
  await expect(page.getByTestId('edited-layer')).toHaveCount(1);
  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
});
