/**
 * The models the UI can pick: the built-in bundles. Listing reads each manifest only; the full
 * check (schema, sha256 of every graph) happens when the engine loads a bundle for a run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ModelSummary } from '../../shared/api/runs';
import { DisplayGeometrySchema } from '../../shared/api/runs';
import { bundlesDir } from './build-paths';

/** Just the manifest fields the UI needs; the engine validates the whole schema. */
const ManifestHeadSchema = z.object({
  name: z.string(),
  family: z.string(),
  vision: z.object({ grid: z.tuple([z.number(), z.number()]), image_size: z.tuple([z.number(), z.number()]) }),
  text: z.object({ num_layers: z.number() }),
  explain: z.object({ default_layers: z.array(z.number()) }),
  preprocessing: DisplayGeometrySchema,
});

export async function readModelSummary(ref: string, folder: string): Promise<ModelSummary> {
  const raw = await readFile(join(folder, 'manifest.json'));
  const head = ManifestHeadSchema.parse(JSON.parse(raw.toString('utf8')));
  return {
    ref,
    name: head.name,
    family: head.family,
    manifestSha256: createHash('sha256').update(raw).digest('hex'),
    grid: head.vision.grid,
    numLayers: head.text.num_layers,
    defaultLayers: head.explain.default_layers,
    imageSize: head.vision.image_size,
    geometry: head.preprocessing,
  };
}

export async function listBuiltinModels(dir = bundlesDir()): Promise<ModelSummary[]> {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((name) => existsSync(join(dir, name, 'manifest.json'))).sort();
  const models: ModelSummary[] = [];
  for (const name of names) models.push(await readModelSummary(name, join(dir, name)));
  return models;
}
