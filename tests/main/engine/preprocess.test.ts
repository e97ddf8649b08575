import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadBundle } from '../../../main/engine/bundle';
import type { Preprocessing } from '../../../main/engine/manifest';
import { ImageDecodeError, decodeRgb, preprocessImage, preprocessRgb } from '../../../main/engine/preprocess';
import { PARITY_BUNDLES, bundlePath, fixturePath, maxAbsDiff, readInputs } from '../../shared/dexar/fixture-data';

describe('main/engine/preprocess/preprocessImage', () => {
  for (const bundle of PARITY_BUNDLES) {
    it(`${bundle}: pixel values of the fixture image match the Python processor`, async () => {
      const { manifest } = await loadBundle(bundlePath(bundle), { verifyHashes: false });
      const inputs = readInputs(bundle);
      const out = await preprocessImage(fixturePath(bundle, inputs.image.file), manifest.preprocessing);
      expect([...out.dims]).toEqual(inputs.pixel_values.shape);
      expect([out.width, out.height]).toEqual([inputs.image.width, inputs.image.height]);
      // The brief allows 2e-2; the Pillow-exact resampler should leave only float rounding.
      expect(maxAbsDiff(out.pixelValues, inputs.pixel_values.data)).toBeLessThan(1e-5);
    });
  }

  it('pads to a square with the fill colour and no resize is exact', () => {
    const pre: Preprocessing = {
      processor: 'test',
      convert_rgb: true,
      pad: { mode: 'square', fill: [10, 20, 30] },
      resize: { mode: 'exact', size: [2, 2], enabled: false, interpolation: 'bicubic' },
      crop: { mode: 'none', size: [2, 2] },
      rescale_factor: 1,
      normalize: { enabled: false, mean: [0, 0, 0], std: [1, 1, 1] },
      order: [],
      layout: 'NCHW',
    };
    const out = preprocessRgb({ width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) }, pre);
    expect([...out.dims]).toEqual([1, 3, 2, 2]);
    // padTop = floor((2 − 1) / 2) = 0: the image row stays on top, the fill row goes below.
    expect([...out.pixelValues]).toEqual([1, 4, 10, 10, 2, 5, 20, 20, 3, 6, 30, 30]);
  });

  it('rejects files that are not images with one line', async () => {
    await expect(decodeRgb(Buffer.from('not an image'), 'notes.txt')).rejects.toThrow(ImageDecodeError);
    await expect(decodeRgb('/nonexistent.png')).rejects.toThrow(/image \/nonexistent.png: expected/);
    const png = await readFile(fixturePath('tiny-llama', 'image.png'));
    await expect(decodeRgb(png.subarray(0, 60), 'truncated.png')).rejects.toThrow(ImageDecodeError);
  });
});
