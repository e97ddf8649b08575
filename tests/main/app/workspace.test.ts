import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/api/envelope';
import { EventBus } from '../../../main/api/events';
import { thumbnailSource } from '../../../main/app/thumbnails';
import { Workspace } from '../../../main/app/workspace';
import { SAMPLES_DIR, testServices } from '../helpers/services';

const opened: { workspace: { close(): void } }[] = [];
function services(options?: Parameters<typeof testServices>[0]) {
  const s = testServices(options);
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.workspace.close();
});

function ok<T>(envelope: Envelope<unknown>): T {
  expect(envelope).toMatchObject({ ok: true });
  return (envelope as { value: T }).value;
}

describe('app/Workspace', () => {
  it('seeds the sample project once from the shipped samples, with their prompts', async () => {
    const s = services({ samples: true });
    const summary = await s.workspace.summary();
    const samples = JSON.parse(readFileSync(join(SAMPLES_DIR, 'prompts.json'), 'utf8')) as { image: string; prompt: string }[];
    const distinctImages = new Set(samples.map((x) => x.image)).size;
    expect(distinctImages).toBeGreaterThanOrEqual(20);
    expect(summary).toMatchObject({ name: 'Sample project', isSample: true, imageCount: distinctImages, runCount: 0 });
    const project = await s.workspace.project();
    expect(new Set(project.listPrompts().map((p) => p.text))).toEqual(new Set(samples.map((x) => x.prompt)));
    // An analyst's later changes survive: the next launch opens the file, it does not seed again.
    project.addPrompt('my own question');
    s.workspace.close();
    const again = new Workspace({ dataDir: s.dataDir, events: new EventBus(), samplesDir: SAMPLES_DIR });
    opened.push({ workspace: again });
    expect((await again.summary()).imageCount).toBe(distinctImages);
    expect((await again.project()).listPrompts().map((p) => p.text)).toContain('my own question');
  });

  it('creates, opens and remembers projects; refuses relative and missing paths', async () => {
    const s = services();
    const dir = mkdtempSync(join(tmpdir(), 'dexar-projects-'));
    const created = ok(await s.dispatch('project.create', { path: join(dir, 'Audit ä 1') }));
    expect(created).toMatchObject({ name: 'Audit ä 1', path: join(dir, 'Audit ä 1.dexar'), isSample: false, imageCount: 0 });
    expect(existsSync(join(dir, 'Audit ä 1.dexar'))).toBe(true);
    const changes: unknown[] = [];
    s.events.attach((event, payload) => event === 'onDidChangeProject' && changes.push(payload));
    const reopened = ok(await s.dispatch('project.open', { path: join(dir, 'Audit ä 1.dexar') }));
    expect(reopened).toMatchObject({ name: 'Audit ä 1' });
    expect(changes).toHaveLength(1);
    const recent = ok<{ path: string }[]>(await s.dispatch('project.listRecent', {}));
    expect(recent[0]?.path).toBe(join(dir, 'Audit ä 1.dexar'));

    const relative = await s.dispatch('project.open', { path: 'relative/path.dexar' });
    expect(relative).toMatchObject({ ok: false, kind: 'validation', error: { message: 'expected an absolute path, got "relative/path.dexar"' } });
    expect(await s.dispatch('project.open', { path: join(dir, 'missing.dexar') })).toMatchObject({ ok: false, kind: 'not-found' });
    expect(await s.dispatch('project.create', { path: join(dir, 'Audit ä 1') })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already exists/) } });
  });

  it('refuses a file that is not a project and leaves it untouched', async () => {
    const s = services();
    const file = join(mkdtempSync(join(tmpdir(), 'dexar-notproject-')), 'notes.dexar');
    writeFileSync(file, 'just some text, not SQLite');
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const result = await s.dispatch('project.open', { path: file });
    expect(result).toMatchObject({ ok: false, error: { name: 'NotAProjectError' } });
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });
});

describe('api/images', () => {
  it('imports files and folders, de-duplicates, reports failures, and lists with thumbnails', async () => {
    const s = services();
    const dir = mkdtempSync(join(tmpdir(), 'dexar-images-'));
    mkdirSync(join(dir, 'sub dir'));
    const png = (color: string) => sharp({ create: { width: 40, height: 30, channels: 3, background: color } }).png().toBuffer();
    writeFileSync(join(dir, 'red.png'), await png('#f00'));
    writeFileSync(join(dir, 'copy of red.png'), await png('#f00'));
    writeFileSync(join(dir, 'sub dir', 'blue.png'), await png('#00f'));
    writeFileSync(join(dir, 'broken.png'), Buffer.from('not a png at all'));
    const progress: unknown[] = [];
    s.events.attach((event, payload) => event === 'onDidImportProgress' && progress.push(payload));

    const flat = ok<{ imported: { name: string; thumbnail: string }[]; duplicates: string[]; failures: { path: string; message: string }[] }>(
      await s.dispatch('images.import', { paths: [dir] }),
    );
    expect(flat.imported.map((i) => i.name).sort()).toEqual(['copy of red.png']);
    expect(flat.duplicates).toEqual([join(dir, 'red.png')]);
    expect(flat.failures).toEqual([{ path: join(dir, 'broken.png'), message: expect.stringMatching(/not a supported image/) }]);
    expect(flat.imported[0]?.thumbnail).toMatch(/^thumbs\/[0-9a-f]{64}$/);
    const sha = flat.imported[0]?.thumbnail.slice('thumbs/'.length) as string;
    const served = await thumbnailSource(s.workspace)(`/thumbs/${sha}`);
    expect(served?.contentType).toBe('image/webp');
    expect(served?.body.subarray(8, 12).toString()).toBe('WEBP');
    expect(await thumbnailSource(s.workspace)('/thumbs/../../etc/passwd')).toBeUndefined();
    expect(progress.at(-1)).toEqual({ done: 3, total: 3 });

    const deep = ok<{ imported: { name: string }[] }>(await s.dispatch('images.import', { paths: [dir], recursive: true }));
    expect(deep.imported.map((i) => i.name)).toEqual(['blue.png']);

    const page = ok<{ total: number; items: { sha256: string; width: number }[] }>(await s.dispatch('images.list', { limit: 1 }));
    expect(page.total).toBe(2);
    expect(page.items).toHaveLength(1);
    const full = ok<{ dataUrl: string }>(await s.dispatch('images.get', { sha256: page.items[0]?.sha256 }));
    expect(full.dataUrl).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(await s.dispatch('images.get', { sha256: 'f'.repeat(64) })).toMatchObject({ ok: false, kind: 'not-found' });
  });

  it('accepts dropped bytes and refuses non-images with a clear message', async () => {
    const s = services();
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0f0' } }).png().toBuffer();
    const report = ok<{ imported: unknown[] }>(await s.dispatch('images.upload', { name: 'dropped.png', dataBase64: bytes.toString('base64') }));
    expect(report.imported).toHaveLength(1);
    const bad = ok<{ failures: { message: string }[] }>(await s.dispatch('images.upload', { name: 'x.png', dataBase64: Buffer.from('hello').toString('base64') }));
    expect(bad.failures[0]?.message).toMatch(/cannot import image x.png/);
  });

  it('lists folders for the in-app browser, filtered by kind', async () => {
    const s = services();
    const dir = mkdtempSync(join(tmpdir(), 'dexar-browse-'));
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'a.png'), 'x');
    writeFileSync(join(dir, 'b.dexar'), 'x');
    writeFileSync(join(dir, '.hidden.png'), 'x');
    const images = ok<{ entries: { name: string; kind: string }[]; parent: string }>(await s.dispatch('files.list', { path: dir, show: 'images' }));
    expect(images.entries.map((e) => `${e.kind}:${e.name}`)).toEqual(['directory:folder', 'file:a.png']);
    const projects = ok<{ entries: { name: string }[] }>(await s.dispatch('files.list', { path: dir, show: 'projects' }));
    expect(projects.entries.map((e) => e.name)).toEqual(['folder', 'b.dexar']);
    expect(await s.dispatch('files.list', { path: join(dir, 'a.png') })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not a folder/) } });
  });
});
