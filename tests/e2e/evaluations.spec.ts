import { expect, test, type Locator } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MethodSummary, MetricsDocument } from '../../shared/api/evaluation';
import { REPO_ROOT, screenshotPath, startHost, type RunningHost } from './headless-host';

// The demo model when its bundle is built; until then the committed tiny parity bundle.
const DEMO = join(REPO_ROOT, 'models/bundles/shapes-llava-tiny');
const MODEL = existsSync(join(DEMO, 'manifest.json')) ? DEMO : join(REPO_ROOT, 'tests/fixtures/bundles/tiny-llama');
const PYTHON = join(REPO_ROOT, 'models/.venv/bin/python');

// The table's columns and how metrics.json holds each (null: shown as "—").
const COLUMNS: Record<string, (m: MethodSummary) => number | null> = {
  pointing_game: (m) => m.pointing_game,
  soft_iou: (m) => m.soft_iou,
  snr_map_mean: (m) => m.snr_map_mean,
  snr_map_median: (m) => m.snr_map_median,
  snr_tokens: (m) => m.snr_tokens,
  auc_positive: (m) => m.perturbation?.auc_positive ?? null,
  auc_positive_median: (m) => m.perturbation?.auc_positive_median ?? null,
  auc_negative: (m) => m.perturbation?.auc_negative ?? null,
  auc_negative_median: (m) => m.perturbation?.auc_negative_median ?? null,
};

test.describe.configure({ mode: 'serial' });

let scratch: string;
let projectFile: string;
let metrics: MetricsDocument;
let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(600_000);
  scratch = mkdtempSync(join(tmpdir(), 'dexar-e2e-eval-'));
  const dataset = join(scratch, 'shapes-qa');
  const out = join(scratch, 'eval');
  projectFile = join(scratch, 'audit.dexar');
  // A real evaluation: a generated Shapes-QA split through the real `dexar eval` command.
  execFileSync(PYTHON, ['-m', 'models.shapes_qa', '--n', '12', '--seed', '5', '--out', dataset], { cwd: REPO_ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [join(REPO_ROOT, 'main/cli/bin.mjs'), 'eval', '--model', MODEL, '--dataset', dataset, '--limit', '8', '--perturbation', '--ep', 'cpu', '--threads', '1', '--out', out, '--project', projectFile], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as MetricsDocument;
  host = await startHost({ args: ['--project', projectFile] });
});
test.afterAll(async () => {
  await host?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Every cell of the table equals metrics.json for this group: raw value and its text. */
async function expectTable(table: Locator, group: MetricsDocument['overall']): Promise<void> {
  const methods = Object.keys(group.methods);
  await expect(table.getByTestId('eval-row')).toHaveCount(methods.length);
  const accuracy = table.locator('[data-metric="accuracy"]');
  await expect(accuracy).toHaveAttribute('data-value', String(group.accuracy));
  await expect(accuracy).toHaveText(`${(group.accuracy * 100).toFixed(1)} %`);
  for (const method of methods) {
    const row = table.locator(`[data-testid="eval-row"][data-method="${method}"]`);
    for (const [key, read] of Object.entries(COLUMNS)) {
      const value = read(group.methods[method] as MethodSummary);
      const cell = row.locator(`[data-metric="${key}"]`);
      await expect(cell, `${method} ${key}`).toHaveAttribute('data-value', value === null ? '' : String(value));
      await expect(cell, `${method} ${key}`).toHaveText(value === null ? '—' : value.toFixed(3));
    }
  }
}

test('the Evaluations view shows a stored dexar eval run: list, table per group and perturbation curves', async ({ page }) => {
  test.setTimeout(180_000);
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(host.launchUrl);
  await expect(page.getByTestId('status-bar')).toContainText('Connected');

  // Alt+4 opens the view like the button does.
  await page.keyboard.press('Alt+4');
  await expect(page.getByTestId('evaluations-view')).toBeVisible();
  await expect(page.getByTestId('view-evaluations')).toHaveAttribute('aria-pressed', 'true');

  const entry = page.getByTestId('eval-run');
  await expect(entry).toHaveCount(1);
  const { evaluated, selected } = metrics.questions;
  expect(evaluated).toBe(8);
  await expect(entry).toContainText(`${evaluated} / ${selected} questions`);
  await expect(entry).toContainText(metrics.complete ? 'complete' : 'incomplete');
  await expect(entry).toContainText(`top-k ${metrics.settings.top_k}`);
  await expect(entry).toContainText(`head filter ${metrics.settings.head_filter ? 'on' : 'off'}`);
  await expect(entry).toContainText(metrics.provenance.bundle.name);
  await expect(page.getByTestId('eval-title')).toHaveText(`${metrics.provenance.bundle.name} on shapes-qa`);

  // Overall: every method's metrics as metrics.json holds them.
  const table = page.getByTestId('eval-table');
  await expectTable(table, metrics.overall);

  // The chart: a positive and a negative curve per method, each with metrics.json's values.
  const curves = page.getByTestId('eval-chart').getByTestId('eval-curve');
  const methods = Object.entries(metrics.overall.methods);
  await expect(curves).toHaveCount(2 * methods.length);
  for (const [method, m] of methods) {
    const p = m.perturbation;
    if (!p) throw new Error(`metrics.json has no perturbation for ${method} although --perturbation was given`);
    for (const [direction, values] of [['positive', p.positive_curve], ['negative', p.negative_curve]] as const) {
      const curve = page.locator(`[data-testid="eval-curve"][data-method="${method}"][data-direction="${direction}"]`);
      await expect(curve).toHaveAttribute('data-values', values.join(','));
      const points = (await curve.locator('polyline').getAttribute('points'))?.trim().split(/\s+/) ?? [];
      expect(points).toHaveLength(p.percents.length);
    }
  }
  await expect(page.getByTestId('eval-legend-item')).toHaveCount(methods.length);
  await page.screenshot({ path: screenshotPath('evaluations.png') });

  // Each template group: the selector switches table and chart to that group's numbers.
  const groups = Object.entries(metrics.groups);
  expect(groups.length).toBeGreaterThan(1);
  await expect(page.getByTestId('eval-group')).toHaveCount(groups.length + 1);
  for (const [name, group] of groups) {
    await page.locator(`[data-testid="eval-group"][data-group="${name}"]`).click();
    await expect(page.locator(`[data-testid="eval-group"][data-group="${name}"]`)).toHaveAttribute('aria-pressed', 'true');
    await expectTable(table, group);
    const [method, m] = Object.entries(group.methods)[0] as [string, MethodSummary];
    await expect(page.locator(`[data-testid="eval-curve"][data-method="${method}"][data-direction="positive"]`)).toHaveAttribute('data-values', m.perturbation?.positive_curve.join(',') ?? '');
  }
  await page.locator('[data-testid="eval-group"][data-group="overall"]').click();
  await expectTable(table, metrics.overall);
  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
});

test('a project without evaluation runs tells how to create one', async ({ page }) => {
  const empty = await startHost(); // the sample project, in its own data folder
  try {
    await page.goto(empty.launchUrl);
    await page.getByTestId('view-evaluations').click();
    // The command names the open project, quoted for the shell (its name has a space).
    await expect(page.getByTestId('eval-command')).toHaveText(`npx dexar eval --model M --dataset DIR --out DIR --project '${join(empty.dataDir, 'Sample project.dexar')}'`);
    await expect(page.getByTestId('eval-run')).toHaveCount(0);
  } finally {
    await empty.stop();
  }
});
