#!/usr/bin/env node
// The one layering rule (STYLE §1, §3): folders are runtimes.
//   shared/    imports only shared/ and zod — no Node, DOM, Electron
//   renderer/  imports only renderer/, shared/, svelte, konva
//   electron   only under main/electron/
//   onnxruntime-node  only in main/engine/onnx.ts
//   better-sqlite3    only under main/store/
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|mjs|js|svelte)$/.test(entry) && !entry.endsWith('.d.ts') && !entry.endsWith('.d.mts')) yield path;
  }
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function checkLayers(root = repoRoot) {
  const problems = [];
  for (const top of ['shared', 'renderer', 'main', 'preload']) {
    const dir = join(root, top);
    if (!existsSync(dir)) continue;
    for (const file of sourceFiles(dir)) {
      const rel = relative(root, file).split(sep).join('/');
      if (rel.startsWith('renderer/vite.config') || rel.startsWith('main/tools/')) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? match[3];
        const isRelative = spec.startsWith('.');
        const target = isRelative ? relative(root, resolve(dirname(file), spec)).split(sep).join('/') : undefined;
        const pkg = isRelative ? undefined : packageName(spec);
        const fail = (why) => problems.push(`${rel}: imports '${spec}' — ${why}`);
        if (top === 'shared') {
          if (target !== undefined && !target.startsWith('shared/')) fail('shared/ may only import shared/');
          if (pkg !== undefined && pkg !== 'zod') fail('shared/ may not depend on Node, the DOM or Electron');
        }
        if (top === 'renderer') {
          if (target !== undefined && !target.startsWith('renderer/') && !target.startsWith('shared/')) fail('renderer/ may only import renderer/ and shared/');
          if (pkg !== undefined && !['svelte', 'konva'].includes(pkg) && !spec.startsWith('svelte/')) fail('renderer/ may only use svelte and konva');
        }
        if (pkg === 'electron' && !rel.startsWith('main/electron/') && rel !== 'preload/index.ts') fail('only main/electron/ and the preload import electron');
        if (pkg === 'onnxruntime-node' && rel !== 'main/engine/onnx.ts') fail('only main/engine/onnx.ts imports onnxruntime-node');
        if (pkg === 'better-sqlite3' && !rel.startsWith('main/store/')) fail('only main/store/ talks to SQLite');
        if (top === 'main' && target?.startsWith('renderer/')) fail('main/ may not import the renderer');
      }
    }
  }
  return problems;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const problems = checkLayers();
  for (const problem of problems) console.error(problem);
  console.log(problems.length === 0 ? 'layers: ok' : `layers: ${problems.length} violation(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
