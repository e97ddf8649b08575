import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { importVoc, type DatasetRow } from '../../../main/evaluation/voc-import';
import { vocColour } from '../../../main/evaluation/voc-palette';

/** A real palette PNG as VOC ships them (colour type 3 with the VOC palette). */
function palettePng(width: number, height: number, labels: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // palette
  const palette = Buffer.concat(Array.from({ length: 256 }, (_, i) => Buffer.from(vocColour(i))));
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) labels.copy(rows, y * (width + 1) + 1, y * width, (y + 1) * width);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', palette),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const W = 40;
const H = 30;
const DOG = 12;
const PERSON = 15;

/** Two dogs (left) and one person (right), with a void border around the person. */
function scene(): { classes: Uint8Array; objects: Uint8Array } {
  const classes = new Uint8Array(W * H);
  const objects = new Uint8Array(W * H);
  const fill = (x0: number, y0: number, x1: number, y1: number, cls: number, obj: number) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      classes[y * W + x] = cls;
      objects[y * W + x] = obj;
    }
  };
  fill(2, 2, 10, 10, DOG, 1);
  fill(2, 15, 10, 25, DOG, 2);
  fill(24, 4, 36, 26, 255, 255);
  fill(25, 5, 35, 25, PERSON, 3);
  return { classes, objects };
}

let voc: string;
let hashesBefore: Map<string, string>;

function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!sub.isFile()) continue;
    const path = join(sub.parentPath, sub.name);
    out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return out;
}

beforeAll(async () => {
  voc = mkdtempSync(join(tmpdir(), 'dexar-voc-'));
  for (const sub of ['JPEGImages', 'SegmentationClass', 'SegmentationObject', 'Annotations', 'ImageSets/Segmentation']) mkdirSync(join(voc, sub), { recursive: true });
  const { classes, objects } = scene();
  const jpeg = await sharp({ create: { width: W, height: H, channels: 3, background: '#7a8' } }).jpeg().toBuffer();
  for (const id of ['2007_000001', '2007_000002']) {
    writeFileSync(join(voc, 'JPEGImages', `${id}.jpg`), jpeg);
    writeFileSync(join(voc, 'SegmentationClass', `${id}.png`), palettePng(W, H, Buffer.from(classes)));
    writeFileSync(join(voc, 'SegmentationObject', `${id}.png`), palettePng(W, H, Buffer.from(objects)));
  }
  // The second image's annotation disagrees on the dog count: no count question for dogs there.
  const object = (name: string, difficult = 0) => `<object><name>${name}</name><difficult>${difficult}</difficult></object>`;
  writeFileSync(join(voc, 'Annotations', '2007_000001.xml'), `<annotation>${object('dog')}${object('dog')}${object('person')}</annotation>`);
  writeFileSync(join(voc, 'Annotations', '2007_000002.xml'), `<annotation>${object('dog')}${object('dog')}${object('dog')}${object('person')}${object('cat', 1)}</annotation>`);
  writeFileSync(join(voc, 'ImageSets', 'Segmentation', 'val.txt'), '2007_000002\n');
  hashesBefore = hashTree(voc);
});

function readRows(dir: string): DatasetRow[] {
  return readFileSync(join(dir, 'annotations.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as DatasetRow);
}

describe('evaluation/importVoc', () => {
  it('writes templated questions whose class words are grounded in their masks', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dexar-voc-out-')), 'dataset');
    const progress: number[] = [];
    const summary = await importVoc({ vocDir: voc, outDir: out, onProgress: (done) => progress.push(done) });
    expect(summary).toMatchObject({ images: 2, skipped: [] });
    expect(progress).toEqual([1, 2]);
    const rows = readRows(out);
    const first = rows.filter((r) => r.source === '2007_000001');
    expect(first.map((r) => [r.prompt, r.answer])).toEqual([
      ['Is there a dog in the image?', 'Yes, there is a dog.'],
      ['How many dogs are there?', 'There are two dogs.'],
      ['Is there a person in the image?', 'Yes, there is a person.'],
      ['How many people are there?', 'There is one person.'],
      [expect.stringMatching(/^Is there an? .+ in the image\?$/), expect.stringMatching(/^No, there is no .+\.$/)],
    ]);
    expect(first[1]?.regions).toEqual([{ words: ['two', 'dogs'], mask: 'masks/2007_000001-dog.png' }]);
    expect(first[4]?.regions).toEqual([]);
    // Count questions only where segmentation and annotation agree.
    expect(rows.filter((r) => r.source === '2007_000002' && r.template === 'count').map((r) => r.answer)).toEqual(['There is one person.']);

    // The person mask is exactly the person's pixels: void border excluded.
    const { data, info } = await sharp(join(out, 'masks/2007_000001-person.png')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([W, H]);
    const { classes } = scene();
    for (let i = 0; i < W * H; i++) expect(data[i * info.channels] === 255).toBe(classes[i] === PERSON);
    expect(existsSync(join(out, 'images/2007_000001.jpg'))).toBe(true);
  });

  it('honours an ImageSets split and a limit', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dexar-voc-out-')), 'val');
    expect((await importVoc({ vocDir: voc, outDir: out, split: 'val' })).images).toBe(1);
    expect(new Set(readRows(out).map((r) => r.source))).toEqual(new Set(['2007_000002']));
    const limited = join(mkdtempSync(join(tmpdir(), 'dexar-voc-out-')), 'one');
    expect((await importVoc({ vocDir: voc, outDir: limited, limit: 1 })).images).toBe(1);
  });

  it('never modifies the source and refuses unsafe or wrong folders clearly', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dexar-voc-out-')), 'd');
    await importVoc({ vocDir: voc, outDir: out });
    expect(hashTree(voc)).toEqual(hashesBefore);
    await expect(importVoc({ vocDir: voc, outDir: out })).rejects.toThrow(/already exists/);
    await expect(importVoc({ vocDir: voc, outDir: join(voc, 'out') })).rejects.toThrow(/outside the VOC folder/);
    await expect(importVoc({ vocDir: tmpdir(), outDir: join(out, 'x') })).rejects.toThrow(/not a VOC-layout folder: JPEGImages\/ is missing/);
    await expect(importVoc({ vocDir: voc, outDir: join(out, 'y'), split: 'nope' })).rejects.toThrow(/split 'nope' not found/);
  });

  it('skips an image whose mask is not a VOC palette image and cleans up after cancellation', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'dexar-voc-bad-'));
    for (const sub of ['JPEGImages', 'SegmentationClass', 'SegmentationObject']) mkdirSync(join(broken, sub));
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } }).jpeg().toBuffer();
    const odd = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } }).png().toBuffer();
    writeFileSync(join(broken, 'JPEGImages', 'a.jpg'), jpeg);
    writeFileSync(join(broken, 'SegmentationClass', 'a.png'), odd);
    writeFileSync(join(broken, 'SegmentationObject', 'a.png'), odd);
    const parent = mkdtempSync(join(tmpdir(), 'dexar-voc-out-'));
    const summary = await importVoc({ vocDir: broken, outDir: join(parent, 'd') });
    expect(summary.images).toBe(0);
    expect(summary.skipped[0]?.reason).toMatch(/not in the VOC palette/);

    const controller = new AbortController();
    controller.abort();
    await expect(importVoc({ vocDir: voc, outDir: join(parent, 'cancelled'), signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect(readdirSync(parent)).toEqual(['d']);
  });
});
