import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticPng, syntheticRun } from '../../../../main/store/bench-data';
import { openProject, StoreInputError, StoreNotFoundError, type Project } from '../../../../main/store/index';
import { MODEL_SHA, MODEL_SHA_2, projectWithImage, tempDir } from '../fixtures/helpers';

let tmp: ReturnType<typeof tempDir>;
let project: Project;
let runs: number[];

beforeEach(async () => {
  tmp = tempDir();
  const made = await projectWithImage(join(tmp.dir, 'source.dexar'));
  project = made.project;
  project.addModel({ sha256: MODEL_SHA_2, name: 'second', manifest: { family: 'llava' } });
  const other = (await project.importImageBytes(await syntheticPng(77), 'other.png')).image.sha256;
  runs = [
    project.saveRun(syntheticRun({ imageSha: made.imageSha, modelSha: MODEL_SHA, promptText: 'What color is the star?', seed: 1, tokens: 3, grid: 8 })),
    project.saveRun(syntheticRun({ imageSha: other, modelSha: MODEL_SHA_2, promptText: 'How many circles are there?', seed: 2, tokens: 4, grid: 8 })),
    project.saveRun(syntheticRun({ imageSha: other, modelSha: MODEL_SHA, promptText: 'Where is the blue square?', seed: 3, tokens: 2, grid: 8 })),
  ];
});
afterEach(() => {
  project.close();
  tmp.cleanup();
});

describe('store/export.exportSelection', () => {
  it('copies the selected runs with everything they reference, and nothing else', () => {
    const annotation = project.addAnnotation({ runId: runs[1]!, tag: 'wrong-count', severity: 'high', regions: [{ shape: 'box', x: 1, y: 1, width: 2, height: 2 }] });
    project.saveEditedLayer({ runId: runs[1]!, baseHeatmapId: project.getRun(runs[1]!)!.heatmaps[0]!.id, name: 'fix', gh: 8, gw: 8, values: new Array(64).fill(0.5) });
    const dest = join(tmp.dir, 'für das Board', 'selection ✓.dexar');
    expect(() => project.exportSelection({ runIds: [runs[1]!] }, dest)).toThrow(/folder .*für das Board does not exist/);
    const destDir = join(tmp.dir, 'board export');
    const path = join(destDir, 'selection ✓.dexar');
    mkdirSync(destDir);
    const result = project.exportSelection({ runIds: [runs[1]!] }, path);
    expect(result).toMatchObject({ runIds: [runs[1]], images: 1, models: 1, prompts: 1 });
    expect(readdirSync(destDir)).toEqual(['selection ✓.dexar']);
    const copy = openProject(path);
    expect(copy.integrityCheck()).toEqual(['ok']);
    expect(copy.getRun(runs[1]!, { details: true })).toEqual(project.getRun(runs[1]!, { details: true }));
    expect(copy.getRun(runs[0]!)).toBeUndefined();
    expect(copy.listImages().map((i) => i.name)).toEqual(['other.png']);
    expect(copy.getImageBytes(copy.listImages()[0]!.sha256)?.equals(project.getImageBytes(copy.listImages()[0]!.sha256)!)).toBe(true);
    expect(copy.listModels().map((m) => m.sha256)).toEqual([MODEL_SHA_2]);
    expect(copy.listAnnotations(runs[1]!)).toEqual(project.listAnnotations(runs[1]!));
    expect(copy.listAnnotations(runs[1]!)[0]!.id).toBe(annotation);
    expect(copy.listEditedLayers(runs[1]!)).toEqual(project.listEditedLayers(runs[1]!));
    expect(copy.queryGallery({ filter: { promptText: 'circles' } }).total).toBe(1);
    copy.close();
    expect(project.listReportExports()).toMatchObject([{ format: 'project', path, runIds: [runs[1]] }]);
  });

  it('exports a gallery: pinned runs plus runs matching its filter, and the gallery itself', () => {
    const gallery = project.createGallery('model one', { modelShas: [MODEL_SHA] });
    project.pinRun(gallery, runs[1]!);
    const path = join(tmp.dir, 'gallery.dexar');
    expect(project.exportSelection({ galleryId: gallery }, path).runIds).toEqual([...runs].sort((a, b) => a - b));
    const copy = openProject(path);
    expect(copy.listGalleries()).toMatchObject([{ name: 'model one', pinnedRunIds: [runs[1]] }]);
    copy.close();
  });

  it('refuses to overwrite, empty selections and unknown runs, leaving no file behind', () => {
    const existing = join(tmp.dir, 'existing.dexar');
    writeFileSync(existing, 'keep me');
    expect(() => project.exportSelection({ runIds: [runs[0]!] }, existing)).toThrow(/already exists/);
    const path = join(tmp.dir, 'never.dexar');
    expect(() => project.exportSelection({ runIds: [] }, path)).toThrow(StoreInputError);
    expect(() => project.exportSelection({ runIds: [999] }, path)).toThrow(StoreNotFoundError);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('removes its temporary file when the final rename fails', () => {
    const dest = join(tmp.dir, 'occupied.dexar');
    mkdirSync(dest);
    writeFileSync(join(dest, 'keep.txt'), 'analyst notes');
    expect(() => project.exportSelection({ runIds: [runs[0]!] }, dest, { overwrite: true })).toThrow(/EISDIR|ENOTEMPTY|EEXIST|directory/);
    expect(readdirSync(dest)).toEqual(['keep.txt']);
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.tmp'))).toEqual([]);
    expect(project.listReportExports()).toEqual([]);
  });
});
