/**
 * Loads a bundle folder (DESIGN §2): manifest.json checked for format version and against the
 * shared JSON schema, every listed file checked for presence, size and sha256, family resolved.
 * Each failure is one typed error (bundle-errors.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
// The .js suffix: ajv has no exports map, so Node's ESM loader needs the file name.
import Ajv2020 from 'ajv/dist/2020.js';
import schema from '../../shared/schemas/bundle-manifest.schema.json';
import { familyOf, type FamilyAdapter } from './families';
import type { BundleManifest, GraphRole } from './manifest';
import { SUPPORTED_FORMAT_VERSION } from './manifest';
import {
  BundleFileMissingError,
  BundleNotFoundError,
  BundleTamperedError,
  InvalidManifestError,
  UnsupportedBundleVersionError,
} from './bundle-errors';

export * from './bundle-errors';

export interface LoadOptions {
  /** Hash every file (default). false checks presence and size only — for repeated loads of a trusted multi-GB bundle. */
  readonly verifyHashes?: boolean;
}

export interface LoadedBundle {
  /** Absolute folder path. */
  readonly root: string;
  readonly manifest: BundleManifest;
  readonly family: FamilyAdapter;
  /** sha256 of manifest.json: the bundle's identity in provenance records. */
  readonly manifestSha256: string;
  graphPath(role: GraphRole): string;
  readonly tokenizerPath: string;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateManifest = ajv.compile(schema);

export async function loadBundle(path: string, options: LoadOptions = {}): Promise<LoadedBundle> {
  const root = resolve(path);
  const manifestPath = join(root, 'manifest.json');
  const folder = await stat(root).catch(() => null);
  if (folder === null || !folder.isDirectory()) throw new BundleNotFoundError(root, folder === null ? 'no such path' : 'a file');
  const raw = await readFile(manifestPath).catch(() => null);
  if (raw === null) throw new BundleNotFoundError(root, 'a folder without manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new InvalidManifestError(`not JSON (${(err as Error).message})`);
  }
  const manifest = checkManifest(json);
  const family = familyOf(manifest);
  for (const [file, entry] of Object.entries(manifest.files)) await checkFile(root, file, entry, options.verifyHashes !== false);
  for (const role of family.table.graphs) {
    const graph = manifest.graphs[role];
    const listed = manifest.files[graph.file];
    if (listed === undefined) throw new InvalidManifestError(`graphs.${role}.file ${graph.file} is not listed in files`);
    if (listed.sha256 !== graph.sha256) throw new BundleTamperedError(graph.file, `graphs.${role}.sha256 = files entry ${listed.sha256}`, graph.sha256);
  }
  return {
    root,
    manifest,
    family,
    manifestSha256: createHash('sha256').update(raw).digest('hex'),
    graphPath: (role) => join(root, manifest.graphs[role].file),
    tokenizerPath: join(root, manifest.tokenizer.file),
  };
}

/** Version first (a newer bundle should say "newer", not list schema errors), then the schema. */
export function checkManifest(json: unknown): BundleManifest {
  const head = (json ?? {}) as { format?: unknown; format_version?: unknown };
  if (head.format !== 'dexar-bundle' || head.format_version !== SUPPORTED_FORMAT_VERSION) {
    const older = head.format === 'dexar-bundle' && typeof head.format_version === 'number' && head.format_version < SUPPORTED_FORMAT_VERSION;
    // Say why an old bundle stopped loading: version 1's explain head takes every layer's value cache.
    const why = older ? ' (an older export whose explain head has a different input contract; re-export it with python -m models.export)' : '';
    throw new UnsupportedBundleVersionError(`format ${JSON.stringify(head.format)} version ${JSON.stringify(head.format_version)}${why}`);
  }
  if (!validateManifest(json)) {
    const problems = (validateManifest.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim());
    throw new InvalidManifestError(problems.join('; '));
  }
  return json as unknown as BundleManifest;
}

/**
 * Digests already computed in this process, by path, size and modification time: every request
 * reloads the manifest, and re-hashing a 7B bundle (~50 GB) each time would take minutes.
 */
const verifiedDigests = new Map<string, string>();

async function checkFile(root: string, file: string, entry: { sha256: string; bytes: number }, hash: boolean): Promise<void> {
  const path = join(root, file);
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isFile()) throw new BundleFileMissingError(file, root);
  if (info.size !== entry.bytes) throw new BundleTamperedError(file, `${entry.bytes} bytes`, `${info.size} bytes`);
  if (!hash) return;
  const key = `${path}\0${info.size}\0${info.mtimeMs}`;
  const digest = verifiedDigests.get(key) ?? (await sha256File(path));
  if (digest !== entry.sha256) throw new BundleTamperedError(file, `sha256 ${entry.sha256}`, `sha256 ${digest}`);
  verifiedDigests.set(key, digest);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
