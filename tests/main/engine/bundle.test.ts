import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BundleFileMissingError,
  BundleNotFoundError,
  BundleTamperedError,
  InvalidManifestError,
  UnsupportedBundleVersionError,
  UnsupportedFamilyError,
  loadBundle,
} from '../../../main/engine/bundle';
import { PARITY_BUNDLES, bundlePath } from '../../shared/dexar/fixture-data';

const temps: string[] = [];
afterEach(async () => {
  for (const t of temps.splice(0)) await rm(t, { recursive: true, force: true });
});

async function copyOf(name: (typeof PARITY_BUNDLES)[number]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dexar-bundle-'));
  temps.push(dir);
  await cp(bundlePath(name), dir, { recursive: true });
  return dir;
}

async function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(m);
  await writeFile(path, JSON.stringify(m));
}

describe('main/engine/bundle/loadBundle', () => {
  for (const name of PARITY_BUNDLES) {
    it(`loads the committed ${name} bundle with every hash checked`, async () => {
      const b = await loadBundle(bundlePath(name));
      expect(b.manifest.name).toBe(name);
      expect(b.family.table.kvCacheGraph).toBe('decoder');
      expect(b.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    });
  }

  it('says when the folder or manifest is missing', async () => {
    await expect(loadBundle('/nonexistent/bundle')).rejects.toThrow(BundleNotFoundError);
    const dir = await copyOf('tiny-llama');
    await unlink(join(dir, 'manifest.json'));
    await expect(loadBundle(dir)).rejects.toThrow(/without manifest.json/);
  });

  it('names a missing graph file', async () => {
    const dir = await copyOf('tiny-llama');
    await unlink(join(dir, 'decoder.onnx'));
    await expect(loadBundle(dir)).rejects.toThrow(BundleFileMissingError);
    await expect(loadBundle(dir)).rejects.toThrow(/expected file decoder.onnx/);
  });

  it('catches a tampered file of the same size by its hash', async () => {
    const dir = await copyOf('tiny-mistral');
    // Loaded (and hashed) once first: the in-process digest cache must not hide a later change.
    await expect(loadBundle(dir)).resolves.toBeDefined();
    const path = join(dir, 'explain.onnx');
    const bytes = await readFile(path);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    await writeFile(path, bytes);
    await expect(loadBundle(dir)).rejects.toThrow(BundleTamperedError);
    await expect(loadBundle(dir)).rejects.toThrow(/explain.onnx: expected sha256 [0-9a-f]{64}, found sha256/);
    // Skipping hashes (trusted repeated loads) still checks sizes, so this one passes…
    await expect(loadBundle(dir, { verifyHashes: false })).resolves.toBeDefined();
    // …but a truncated file does not.
    await writeFile(path, bytes.subarray(0, 10));
    await expect(loadBundle(dir, { verifyHashes: false })).rejects.toThrow(/bytes/);
  });

  it('refuses other format versions before checking the schema', async () => {
    const dir = await copyOf('tiny-llama');
    await editManifest(dir, (m) => {
      m.format_version = 3;
      m.surprise = true;
    });
    await expect(loadBundle(dir)).rejects.toThrow(UnsupportedBundleVersionError);
    await expect(loadBundle(dir)).rejects.toThrow(/expected format "dexar-bundle" version 2, found format "dexar-bundle" version 3;/);
  });

  it('refuses version 1 bundles (explain head over all layers) and says to re-export', async () => {
    const dir = await copyOf('tiny-llama');
    await editManifest(dir, (m) => {
      m.format_version = 1;
    });
    await expect(loadBundle(dir)).rejects.toThrow(UnsupportedBundleVersionError);
    await expect(loadBundle(dir)).rejects.toThrow(/version 1 \(an older export .*re-export it with python -m models.export\)/);
  });

  it('reports schema problems and unknown families', async () => {
    const dir = await copyOf('tiny-llama');
    await editManifest(dir, (m) => {
      (m.text as Record<string, unknown>).num_layers = 0;
    });
    await expect(loadBundle(dir)).rejects.toThrow(InvalidManifestError);
    await expect(loadBundle(dir)).rejects.toThrow(/\/text\/num_layers must be >= 1/);
    await editManifest(dir, (m) => {
      (m.text as Record<string, unknown>).num_layers = 4;
      m.family = 'qwen2_vl';
    });
    await expect(loadBundle(dir)).rejects.toThrow(UnsupportedFamilyError);
  });
});
