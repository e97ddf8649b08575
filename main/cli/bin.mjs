#!/usr/bin/env node
// `dexar` launcher: builds the bundles when missing or stale, then runs the CLI.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { build, isStale } = await import(pathToFileURL(join(root, 'main', 'tools', 'build.mjs')).href);
if (process.env.DEXAR_SKIP_BUILD !== '1' && (await isStale())) await build({ quiet: true });
const { main } = await import(pathToFileURL(join(root, 'build', 'main', 'cli.mjs')).href);
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
