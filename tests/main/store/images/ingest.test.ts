import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { syntheticPng } from '../../../../main/store/bench-data';
import { ImageRejectedError, openProject, type Project } from '../../../../main/store/index';
import { sha256File, tempDir } from '../fixtures/helpers';

let tmp: ReturnType<typeof tempDir>;
let project: Project;
beforeEach(() => {
  tmp = tempDir();
  project = openProject(join(tmp.dir, 'images.dexar'), { create: true });
});
afterEach(() => {
  project.close();
  tmp.cleanup();
});

function write(name: string, bytes: Buffer | string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Import must be refused with a message matching `why`; the source is unchanged and nothing stored. */
async function expectRejected(path: string, why: RegExp): Promise<void> {
  const before = sha256File(path);
  const error = await project.importImage(path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ImageRejectedError);
  expect((error as Error).message).toMatch(why);
  expect(sha256File(path)).toBe(before);
  expect(project.listImages()).toEqual([]);
}

/** A PNG signature and IHDR chunk claiming the given size, followed by nothing decodable. */
function pngHeaderClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 2, 0, 0, 0], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, Buffer.alloc(64)]);
}

describe('store/images.importImage', () => {
  it('imports PNG, JPEG, WebP and GIF from paths with spaces and unicode, with thumbnails', async () => {
    const dir = join(tmp.dir, 'Bilder für Prüfung ✓', 'sub dir');
    mkdirSync(dir, { recursive: true });
    const png = await syntheticPng(1, 400, 300);
    for (const format of ['png', 'jpeg', 'webp', 'gif'] as const) {
      const bytes = format === 'png' ? png : await sharp(png)[format]().toBuffer();
      const path = join(dir, `фото ${format} 猫.${format}`);
      writeFileSync(path, bytes);
      const before = sha256File(path);
      const { image, deduplicated } = await project.importImage(path);
      expect(deduplicated).toBe(false);
      expect(image).toMatchObject({ name: `фото ${format} 猫.${format}`, format, width: 400, height: 300, byteSize: bytes.length });
      expect(project.getImageBytes(image.sha256)?.equals(bytes)).toBe(true);
      const thumb = project.getThumbnail(image.sha256)!;
      expect(await sharp(thumb.data).metadata()).toMatchObject({ format: 'webp', width: 256, height: 192 });
      expect(sha256File(path)).toBe(before);
    }
    expect(project.listImages()).toHaveLength(4);
  });

  it('de-duplicates identical bytes under another name', async () => {
    const bytes = await syntheticPng(2);
    const first = await project.importImage(write('a.png', bytes));
    const second = await project.importImage(write('copy of a.png', bytes));
    expect(second).toEqual({ image: first.image, deduplicated: true });
    expect(project.listImages()).toHaveLength(1);
  });

  it('refuses a zero-byte file', async () => {
    await expectRejected(write('empty.png', ''), /empty \(0 bytes\)/);
  });

  it('refuses a non-image', async () => {
    await expectRejected(write('report.png', '%PDF-1.7 not an image'), /not a supported image .* starts "%PDF-1.7"/);
  });

  it('refuses a PNG header claiming 30000×30000 before decoding', async () => {
    await expectRejected(write('huge.png', pngHeaderClaiming(30000, 30000)), /30000×30000 pixels; the limit is 16384 px per side and 100 MP \(not decoded\)/);
  });

  it('refuses 12000×12000 (under the side limit, over the pixel limit)', async () => {
    await expectRejected(write('big.png', pngHeaderClaiming(12000, 12000)), /12000×12000/);
  });

  it('refuses truncated PNG and JPEG files', async () => {
    const png = await syntheticPng(3, 200, 200);
    await expectRejected(write('cut.png', png.subarray(0, Math.floor(png.length * 0.6))), /damaged or truncated/);
    const jpeg = await sharp(png).jpeg().toBuffer();
    await expectRejected(write('cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6))), /JPEG data is damaged or truncated/);
  });

  it('refuses corrupt image data', async () => {
    const jpeg = await sharp(await syntheticPng(4, 200, 200)).jpeg().toBuffer();
    for (let i = jpeg.length >> 1; i < (jpeg.length >> 1) + 64; i++) jpeg[i] = (jpeg[i] as number) ^ 0x5a;
    await expectRejected(write('corrupt.jpg', jpeg), /damaged/);
    const png = await syntheticPng(5, 200, 200);
    for (let i = png.length >> 1; i < (png.length >> 1) + 64; i++) png[i] = (png[i] as number) ^ 0x5a;
    await expectRejected(write('corrupt.png', png), /damaged/);
  });

  it('refuses a folder and a missing path', async () => {
    mkdirSync(join(tmp.dir, 'folder.png'));
    await expect(project.importImage(join(tmp.dir, 'folder.png'))).rejects.toThrow(/not a regular file/);
    await expect(project.importImage(join(tmp.dir, 'nope.png'))).rejects.toThrow(/cannot read it \(ENOENT\)/);
  });
});
