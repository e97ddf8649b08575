import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { syntheticPng } from '../../../../main/store/bench-data';
import { HeaderError, sniffImage } from '../../../../main/store/images/sniff';

describe('store/images.sniffImage', () => {
  it('reads format and size from PNG, JPEG, WebP (lossy, lossless, extended) and GIF headers', async () => {
    const png = await syntheticPng(1, 123, 45);
    expect(sniffImage(png)).toEqual({ format: 'png', width: 123, height: 45 });
    expect(sniffImage(await sharp(png).jpeg().toBuffer())).toEqual({ format: 'jpeg', width: 123, height: 45 });
    expect(sniffImage(await sharp(png).webp().toBuffer())).toEqual({ format: 'webp', width: 123, height: 45 });
    expect(sniffImage(await sharp(png).webp({ lossless: true }).toBuffer())).toEqual({ format: 'webp', width: 123, height: 45 });
    expect(sniffImage(await sharp(png).ensureAlpha(0.5).webp().toBuffer())).toEqual({ format: 'webp', width: 123, height: 45 });
    expect(sniffImage(await sharp(png).gif().toBuffer())).toEqual({ format: 'gif', width: 123, height: 45 });
  });

  it('returns null for other data and throws on truncated headers', () => {
    expect(sniffImage(Buffer.from('hello world'))).toBeNull();
    expect(() => sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toThrow(HeaderError);
    expect(() => sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]))).toThrow(/JPEG/);
  });
});
