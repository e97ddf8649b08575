#!/usr/bin/env node
// `npm test`: every suite in one run — static checks, TypeScript unit/integration (Vitest),
// end-to-end (Playwright in Debian Chromium) and the Python models/ suite (pytest in models/.venv,
// created here when missing or stale) — then one closing line `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(join(tmpdir(), 'dexar-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(command, args, env = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
}

function record(suite, passed, failed, skipped = 0) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`${suite.padEnd(12)} ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

function check(suite, command, args) {
  const ok = run(command, args) === 0;
  record(suite, ok ? 1 : 0, ok ? 0 : 1);
  return ok;
}

// 0. models/.venv first: pytest needs it, and so does the e2e spec that generates a Shapes-QA split.
const venv = setupVenv();

function setupVenv() {
  const requirements = join(root, 'models', 'requirements.txt');
  if (!existsSync(requirements)) return null;
  const python = join(root, 'models', '.venv', 'bin', 'python');
  const stamp = join(root, 'models', '.venv', '.requirements.sha256');
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  let ready = existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted;
  if (!ready) {
    console.log('\nSetting up models/.venv from models/requirements.txt (first run only)…');
    ready =
      (existsSync(python) || run('python3', ['-m', 'venv', 'models/.venv']) === 0) &&
      run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', 'models/requirements.txt']) === 0;
    if (ready) writeFileSync(stamp, wanted);
    else console.error('\nmodels/.venv could not be set up (see pip above; it needs about 6 GB of disk): pytest will not run.');
  }
  return { python, ready };
}

// 1. Static checks and the build every later suite uses.
check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('layers', process.execPath, ['main/tools/check-layers.mjs']);
const built = check('build', process.execPath, ['main/tools/build.mjs']);

// 2. Vitest.
{
  const out = join(scratch, 'vitest.json');
  run('npx', ['vitest', 'run', '--config', 'tests/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const failedSuites = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
    record('vitest', report.numPassedTests, report.numFailedTests + failedSuites, report.numPendingTests + report.numTodoTests);
  } else record('vitest', 0, 1);
}

// 3. Playwright (needs the build and Debian's Chromium).
{
  const chromium = process.env.DEXAR_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(`\nPlaywright: ${chromium} not found — install Debian's Chromium (apt-get install -y chromium).`);
    record('playwright', 0, 1);
  } else if (!built) {
    record('playwright', 0, 1);
  } else {
    const out = join(scratch, 'playwright.json');
    run('npx', ['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_FILE: out });
    if (existsSync(out)) {
      const { stats } = JSON.parse(readFileSync(out, 'utf8'));
      record('playwright', stats.expected + stats.flaky, stats.unexpected, stats.skipped);
    } else record('playwright', 0, 1);
  }
}

// 4. pytest in models/.venv.
if (venv) {
  const xml = join(scratch, 'pytest.xml');
  if (venv.ready) run(venv.python, ['-m', 'pytest', 'tests/models', '-q', `--junitxml=${xml}`]);
  if (existsSync(xml)) {
    const suite = readFileSync(xml, 'utf8').match(/<testsuite [^>]*>/)?.[0] ?? '';
    const attr = (name) => Number(suite.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0);
    const failed = attr('failures') + attr('errors');
    const skipped = attr('skipped');
    record('pytest', attr('tests') - failed - skipped, failed, skipped);
  } else record('pytest', 0, 1);
}

console.log(`\n${lines.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed === 0 ? 0 : 1;
