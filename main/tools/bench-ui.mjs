#!/usr/bin/env node
// `npm run bench:ui`: the workspace's interactive costs, measured in Debian's Chromium against
// the headless host, from frame timestamps (requestAnimationFrame):
//   1. switching the displayed token map (click → next frame drawn), target < 16 ms median;
//   2. panning four synchronised compare panes with a real drag, target ≥ 50 fps;
//   3. scrolling a 2,000-run gallery top to bottom, 120 px a frame, target: no dropped frame;
//      beside it, rounds interleaved, a control page (the gallery's size and compositing, static
//      text cards) scrolled the same way: the frames the browser drops on this machine anyway.
//
// Options (after `--` with npm run):
//   --only token,pan,gallery   run only these parts (default: all three)
//   --project FILE             scroll this 2,000-run project instead of generating one (~2 min)
//   --rounds N                 gallery scrolls per renderer (default 3); the median round is reported
//   --scroll PX                gallery scroll per frame in px (default 120)
//   --vsync                    frames paced at 60 Hz as a display paces them (default: unpaced,
//                              so each frame comes as soon as it is ready and the scroll speed in
//                              px/s depends on the frame time); with it, 20 px a frame is an
//                              ordinary wheel scroll of 1,200 px/s and 120 px a fling of 7,200 px/s
//   --baseline-renderer DIR    also scroll with another renderer build (e.g. a copy of
//                              build/renderer from before a change), rounds interleaved with the
//                              current build's so both see the same machine load
//   --trace FILE               record a Chromium trace of the first gallery scroll and print the
//                              main thread's costliest event kinds
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'main', 'cli', 'bin.mjs');
/** Scratch folders (host homes, the generated 2,000-run project of ~0.6 GB) and host processes, gone at exit, also after an error. */
const scratch = [];
const hosts = [];
process.on('exit', () => {
  hosts.forEach((child) => child.kill());
  scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});
const scratchDir = (prefix) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
const FRAME_MS = 1000 / 60;
const VIEWPORT = { width: 1440, height: 900 };
/** The gallery's cell box (GalleryView.svelte's VirtualGrid), for the control page. */
const GALLERY_CELL = { width: 220, height: 236, gap: 10 };
/** A frame that took longer than this was shown twice on a 60 Hz display: dropped. */
const DROPPED_MS = 1.5 * FRAME_MS;

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string', default: 'token,pan,gallery' },
    project: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    scroll: { type: 'string', default: '120' },
    'baseline-renderer': { type: 'string' },
    trace: { type: 'string' },
    vsync: { type: 'boolean', default: false },
  },
});
const parts = new Set(flags.only.split(','));
for (const p of parts) if (!['token', 'pan', 'gallery'].includes(p)) throw new Error(`--only: expected token, pan or gallery, got ${JSON.stringify(p)}`);
const rounds = Number(flags.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds expects a positive integer, got ${JSON.stringify(flags.rounds)}`);
const scrollStep = Number(flags.scroll);
if (!Number.isInteger(scrollStep) || scrollStep < 1) throw new Error(`--scroll expects a positive integer (px per frame), got ${JSON.stringify(flags.scroll)}`);

async function serve(env, args = []) {
  const dir = scratchDir('dexar-bench-ui-');
  const urlFile = join(dir, 'url.txt');
  const child = spawn(process.execPath, [bin, 'serve', '--url-file', urlFile, ...args], { env: { ...process.env, DEXAR_HOME: join(dir, 'home'), ...env }, stdio: 'ignore' });
  hosts.push(child);
  while (!existsSync(urlFile)) await new Promise((r) => setTimeout(r, 100));
  return { url: readFileSync(urlFile, 'utf8').trim(), stop: () => child.kill() };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s.at(-1), n: s.length };
};
const median = (xs) => stats(xs).median;
/** Frame times from frame timestamps, and how many of them were dropped. */
const frameTimes = (frames) => {
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  return { gaps, dropped: gaps.filter((t) => t > DROPPED_MS).length };
};
const fmt = (x) => `${x.toFixed(2)} ms`;

/** Runs `action` in the page and returns ms until the frame after the UI's own redraw. */
const timeToFrame = (page, action) =>
  page.evaluate(async (source) => {
    const t0 = performance.now();
    new Function(source)();
    await new Promise((r) => setTimeout(r, 0)); // let Svelte's effects queue their redraws
    await new Promise((r) => requestAnimationFrame(() => r()));
    return performance.now() - t0;
  }, action);

spawnSync(process.execPath, [join(root, 'main', 'tools', 'build.mjs')], { stdio: 'inherit' });
const browser = await chromium.launch({
  executablePath: process.env.DEXAR_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', ...(flags.vsync ? [] : ['--disable-gpu-vsync', '--disable-frame-rate-limit'])],
});
const results = [];

// 1 + 2: the sample project with a model, four runs on one image.
if (parts.has('token') || parts.has('pan')) {
  const host = await serve({ DEXAR_BUNDLES_DIR: process.env.DEXAR_BUNDLES_DIR ?? join(root, 'tests', 'fixtures', 'bundles') });
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(host.url);
  await page.getByTestId('thumbnail').first().click();
  for (const prompt of ['Describe the image.', 'What color is the star?', 'Where is the red circle?', 'How many squares are there?']) {
    await page.getByTestId('prompt').fill(prompt);
    await page.getByTestId('generate').click();
    await page.getByTestId('generate').waitFor({ state: 'visible', timeout: 120_000 });
  }
  await page.getByTestId('run-history').locator('button.entry').nth(3).waitFor();
  if (parts.has('token')) {
    const tokens = await page.getByTestId('token').count();
    const switches = [];
    for (let i = 0; i < 60; i++) {
      const index = i % tokens;
      switches.push(await timeToFrame(page, `document.querySelectorAll('[data-testid="token"]')[${index}].click()`));
    }
    const s = stats(switches);
    results.push(`token map switch     median ${fmt(s.median)}, p95 ${fmt(s.p95)} over ${s.n} switches (${tokens} tokens; target < 16 ms median) ${s.median < 16 ? 'PASS' : 'FAIL'}`);
  }

  if (parts.has('pan')) {
    for (let i = 0; i < 4; i++) await page.getByTestId('add-compare').nth(i).click();
    await page.getByTestId('view-compare').click();
    await page.getByTestId('compare-pane').nth(3).waitFor();
    const box = await page.getByTestId('compare-canvas').first().boundingBox();
    // Record every frame while a real drag pans all four panes; the gaps between frames are the
    // time each frame needed (no vsync), so the largest gaps bound the sustained frame rate.
    await page.evaluate(() => {
      const w = window;
      w.__frames = [];
      w.__recording = true;
      const loop = (t) => {
        w.__frames.push(t);
        if (w.__recording) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 0; i < 150; i++) await page.mouse.move(box.x + box.width / 2 + 60 * Math.sin(i / 12), box.y + box.height / 2 + 40 * Math.cos(i / 12));
    await page.mouse.up();
    const frames = await page.evaluate(() => {
      window.__recording = false;
      return window.__frames;
    });
    const { gaps } = frameTimes(frames);
    const m = stats(gaps);
    const fps = (1000 * gaps.length) / (frames.at(-1) - frames[0]);
    const fpsP95 = 1000 / Math.max(m.p95, 1e-3);
    results.push(`4-pane compare pan   ${gaps.length} frames during the drag, ${fps.toFixed(0)} fps average, frame time median ${fmt(m.median)}, p95 ${fmt(m.p95)} (${fpsP95.toFixed(0)} fps), max ${fmt(m.max)} (target ≥ 50 fps) ${fps >= 50 && fpsP95 >= 50 ? 'PASS' : 'FAIL'}`);
  }
  host.stop();
}

/**
 * Scrolls the element `selector` from the top, `step` px at every frame (requestAnimationFrame),
 * and returns the frame timestamps. With `probe`, it is the gallery: also counts frames that showed
 * a row whose runs were not loaded yet (a blank slot: the next page was fetched too late), frames
 * whose probed card had its thumbnail deferred, and elements created on the way.
 */
const scrollFrames = (page, selector, step, probe) =>
  page.evaluate(
    async ({ selector, step, probe }) => {
      const grid = document.querySelector(selector);
      const frames = [];
      let blank = 0;
      let deferred = 0;
      // Elements the page creates while scrolling: what recycling DOM nodes saves, free of load noise.
      let created = 0;
      const observer = new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) created += 1 + n.getElementsByTagName('*').length;
      });
      observer.observe(grid, { childList: true, subtree: true });
      await new Promise((done) => {
        const frame = (t) => {
          frames.push(t);
          if (probe) {
            // A slot in view without a card: its run was not loaded when the frame was drawn.
            // Two probes 15 px apart, so the 10 px gap between rows never reads as a missing card.
            const view = grid.getBoundingClientRect();
            const card = (y) => document.elementFromPoint(view.left + 60, y)?.closest('[data-testid="gallery-item"]');
            const probed = card(view.bottom - 40) ?? card(view.bottom - 55);
            if (!probed && grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1) blank++;
            // A card in view whose thumbnail was deferred (the grid flew past too fast to load it).
            if (probed && !probed.querySelector('img')?.getAttribute('src')) deferred++;
          }
          // The bottom, or twice the frames it takes (a guard against a grid that never gets there).
          if (grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 1 || frames.length > 2 * (grid.scrollHeight / step) + 100) return done();
          grid.scrollTop += step;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      observer.disconnect();
      const box = grid.getBoundingClientRect();
      return { frames, blank, deferred, created, box: { left: box.left, top: box.top, width: grid.clientWidth, height: grid.clientHeight, scrollHeight: grid.scrollHeight } };
    },
    { selector, step, probe },
  );

/** One scroll of the gallery from the top, `step` px at every frame, in a fresh page. */
async function scrollGallery(url, step, tracePath) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(url);
  await page.getByTestId('view-gallery').click();
  await page.getByTestId('gallery-item').first().waitFor();
  await page.waitForTimeout(500); // the first page's thumbnails
  if (tracePath) await browser.startTracing(page, { path: tracePath, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute'] });
  const run = await scrollFrames(page, '[data-testid="gallery-grid"]', step, true);
  const items = await page.getByTestId('gallery-count').textContent();
  if (tracePath) await browser.stopTracing();
  await page.close();
  return { ...frameTimes(run.frames), blank: run.blank, deferred: run.deferred, created: run.created, items, box: run.box };
}

/**
 * The machine's floor: a static page with a scroller of the gallery's size and height, its cards
 * all in the DOM as plain text (no thumbnails, nothing created or fetched while scrolling) with the
 * grid's compositing (an opaque composited scroller, a layer per card), scrolled the same way.
 * Frames it drops are the browser's and the machine's, not the app's.
 */
async function scrollControl(box, step) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const columns = Math.max(1, Math.floor((box.width + GALLERY_CELL.gap) / (GALLERY_CELL.width + GALLERY_CELL.gap)));
  const rows = Math.ceil(box.scrollHeight / (GALLERY_CELL.height + GALLERY_CELL.gap));
  const card = (i) => `<div class="c"><div class="t"></div><p>Run ${i}: what color is the star?</p><p>The star is purple.</p><p>δ̄ 0.21 · max 0.84</p></div>`;
  const body = Array.from({ length: rows }, (_, r) => `<div class="r">${Array.from({ length: columns }, (_, c) => card(r * columns + c)).join('')}</div>`).join('');
  await page.setContent(`<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; background: #121212; font: 12px system-ui, sans-serif; color: #ddd; }
    #g { position: fixed; left: ${box.left}px; top: ${box.top}px; width: ${box.width}px; height: ${box.height}px; overflow-y: auto; background: #121212; will-change: scroll-position; }
    .r { display: flex; gap: ${GALLERY_CELL.gap}px; height: ${GALLERY_CELL.height}px; margin-bottom: ${GALLERY_CELL.gap}px; }
    .c { width: ${GALLERY_CELL.width}px; border: 1px solid #333; border-radius: 6px; background: #1c1c1c; overflow: clip; will-change: transform; contain: size layout style; }
    .t { height: 120px; background: #2a2a2a; } p { margin: 6px 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  </style><div id="g">${body}</div>`);
  await page.waitForTimeout(300);
  const run = await scrollFrames(page, '#g', step, false);
  await page.close();
  return frameTimes(run.frames);
}

/**
 * CPU time (trace `tdur`, so time spent waiting for a core under load is left out) per scrolled
 * frame for the page's threads, and the main thread's costliest event kinds by self time.
 */
function summariseTrace(path, frames) {
  const events = JSON.parse(readFileSync(path, 'utf8')).traceEvents ?? [];
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name]));
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.tdur) continue;
    const id = `${e.pid}:${e.tid}`;
    if (!byThread.has(id)) byThread.set(id, []);
    byThread.get(id).push(e);
  }
  const cpu = new Map(); // thread kind → ms
  let kinds = new Map();
  for (const [id, list] of byThread) {
    // Self time: each event's thread time less its children's (events nest by timestamp).
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const self = new Map();
    const stack = [];
    for (const e of list) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.tdur / 1000);
      self.set(e.name, (self.get(e.name) ?? 0) + e.tdur / 1000);
      stack.push(e);
    }
    const kind = (names.get(id) ?? 'other').replace(/\d+$/, '');
    cpu.set(kind, (cpu.get(kind) ?? 0) + [...self.values()].reduce((a, b) => a + b, 0));
    if (main && id === `${main.pid}:${main.tid}`) kinds = self;
  }
  const per = (ms) => `${(ms / frames).toFixed(1)}`;
  const threads = ['CrRendererMain', 'ThreadPoolForegroundWorker', 'Compositor', 'VizCompositorThread'].map((k) => `${k} ${per(cpu.get(k) ?? 0)}`).join(', ');
  const top = [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([name, ms]) => `${name} ${per(ms)}`).join(', ');
  return `CPU ms per frame: ${threads}\n  main thread self time ms per frame: ${top}`;
}

// 3: a project with 2,000 explained runs (the store benchmark's generator).
if (parts.has('gallery')) {
  let project = flags.project && resolve(flags.project);
  if (!project) {
    const dir = scratchDir('dexar-bench-ui-project-');
    console.log('Generating a 2,000-run project (about two minutes)…');
    spawnSync(process.execPath, [bin, 'bench-store', '--images', '2000', '--runs', '2000', '--repeats', '1', '--dir', dir, '--keep'], { stdio: 'ignore' });
    project = join(dir, 'bench.dexar');
  }
  const builds = [{ name: 'this build', env: {} }];
  if (flags['baseline-renderer']) builds.push({ name: 'baseline', env: { DEXAR_RENDERER_DIR: resolve(flags['baseline-renderer']) } });
  // Hosts for every build stay up; rounds alternate between builds so load changes hit both.
  for (const build of builds) {
    build.host = await serve(build.env, ['--project', project]);
    build.runs = [];
  }
  const control = [];
  for (let round = 0; round < rounds; round++) {
    for (const build of builds) {
      const trace = round === 0 && flags.trace ? `${flags.trace.replace(/\.json$/, '')}${build === builds[0] ? '' : '-baseline'}.json` : undefined;
      build.runs.push(await scrollGallery(build.host.url, scrollStep, trace));
      if (trace) console.log(`trace (${build.name}): ${trace}\n  ${summariseTrace(trace, build.runs.at(-1).gaps.length)}`);
    }
    // Interleaved with the gallery's rounds, so both see the same machine load.
    control.push(await scrollControl(builds[0].runs.at(-1).box, scrollStep));
  }
  const listRounds = (runs) => runs.map((r) => `${r.dropped}/${r.gaps.length} dropped, median ${median(r.gaps).toFixed(1)} ms`).join('; ');
  /** The round with the median number of dropped frames stands for the series; all rounds listed. */
  const medianRound = (runs) => [...runs].sort((a, b) => a.dropped - b.dropped)[Math.floor((runs.length - 1) / 2)];
  for (const build of builds) {
    build.host.stop();
    const mid = medianRound(build.runs);
    const g = stats(mid.gaps);
    const label = builds.length > 1 ? ` (${build.name})` : '';
    results.push(
      `gallery scroll${label}  ${mid.items}, ${scrollStep} px a frame: ${mid.gaps.length} frames scrolled top to bottom, frame time median ${fmt(g.median)}, p95 ${fmt(g.p95)}, max ${fmt(g.max)}; ${mid.dropped} dropped (> ${DROPPED_MS.toFixed(1)} ms), ${mid.blank} frames with unloaded slots in view, ${mid.deferred} with a thumbnail deferred at the probe, ${(mid.created / mid.gaps.length).toFixed(1)} elements created per frame [median of ${rounds} round${rounds === 1 ? '' : 's'}: ${listRounds(build.runs)}] ${build.runs.every((r) => r.dropped === 0) ? 'PASS' : 'FAIL'}`,
    );
  }
  const c = medianRound(control);
  const cg = stats(c.gaps);
  results.push(`  control: a static page of the same size and height (text cards all in the DOM, no thumbnails), scrolled the same way: ${c.dropped} dropped of ${c.gaps.length}, frame time median ${fmt(cg.median)}, p95 ${fmt(cg.p95)}, max ${fmt(cg.max)} [${listRounds(control)}]`);
}

await browser.close();
console.log(`\nDEX-AR Workstation UI benchmark (Chromium, ${flags.vsync ? 'vsync: 60 Hz frames' : 'no vsync'})\n${results.map((r) => `  ${r}`).join('\n')}`);
