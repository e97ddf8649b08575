import { expect, test } from '@playwright/test';
import { screenshotPath, startHost, type RunningHost } from './headless-host';

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host.stop();
});

test('first screen renders the sample project over the headless host', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(host.launchUrl);
  await expect(page.getByTestId('project-name')).toContainText('Sample project');
  await expect(page.getByTestId('host-kind')).toHaveText(/Headless/);
  await expect(page.getByTestId('status-bar')).toContainText('Connected');
  // The sample project is seeded from models/samples on first launch.
  await expect(page.getByTestId('thumbnail').first()).toBeVisible();
  await expect(page.getByTestId('library-count')).toContainText('24 in project');
  // The token is dropped from the address bar once the page holds it.
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  // Konva mounted its stage: one canvas per layer.
  await expect(page.locator('[data-testid="canvas"] canvas')).toHaveCount(4);
  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  await page.screenshot({ path: screenshotPath('first-screen.png') });
});

test('a single-use launch URL opens the workstation and cannot be reused', async ({ page, browser }) => {
  await page.goto(host.launchOnceUrl);
  await expect(page.getByTestId('status-bar')).toContainText('Connected');
  expect(page.url()).not.toContain('token');
  const other = await browser.newPage();
  const again = await other.goto(host.launchOnceUrl);
  expect(again?.status()).toBe(401);
  await other.close();
});

test('a page without the token gets nothing', async ({ page }) => {
  const response = await page.goto(new URL('/', host.launchUrl).href);
  expect(response?.status()).toBe(401);
});
