/**
 * Image → pixel_values as the bundle's manifest prescribes (DESIGN §2; models/runtime.py is the
 * Python twin): decode (sharp) → RGB → pad → resize (Pillow-exact) → centre crop → rescale →
 * normalize → NCHW float32. Also returns the geometry that maps grid cells back to image pixels.
 */
import sharp from 'sharp';
import { imageTransform, type ImageTransform } from '../../shared/dexar/geometry';
import { DexarError } from '../../shared/api/envelope';
import { resizeRgb, type RgbImage } from './image/resample';
import type { Preprocessing } from './manifest';

export interface PreprocessedImage {
  /** (1, 3, H, W) float32, NCHW. */
  readonly pixelValues: Float32Array;
  readonly dims: readonly [1, 3, number, number];
  /** The decoded image's own size. */
  readonly width: number;
  readonly height: number;
  /** Image pixel ↔ model input coordinates (pad, resize, crop). */
  readonly transform: ImageTransform;
}

/** The file could not be read as an image (missing, corrupt or not an image). */
export class ImageDecodeError extends DexarError {
  constructor(source: string, reason: string) {
    super('validation', `image ${source}: expected a PNG/JPEG/WebP/TIFF/GIF image, found ${reason}`, 'ImageDecodeError');
  }
}

/** Decode to 8-bit RGB, dropping alpha as PIL's convert("RGB") does; EXIF orientation is not applied (PIL does not either). */
export async function decodeRgb(input: string | Buffer, label = typeof input === 'string' ? input : 'buffer'): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(input, { failOn: 'error' }).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`${info.channels} channels after conversion`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new ImageDecodeError(label, (err as Error).message.split('\n')[0] ?? 'unreadable data');
  }
}

export function preprocessRgb(image: RgbImage, pre: Preprocessing): PreprocessedImage {
  const transform = imageTransform(pre, image.width, image.height);
  let img = image;
  if (pre.pad.mode === 'square' && img.width !== img.height) img = padSquare(img, pre.pad.fill);
  if (pre.resize.enabled) img = resizeRgb(img, transform.resizedSize[1], transform.resizedSize[0], pre.resize.interpolation);
  const [mh, mw] = transform.modelSize;
  const out = new Float32Array(3 * mh * mw);
  const mean = pre.normalize.enabled ? pre.normalize.mean : [0, 0, 0];
  const std = pre.normalize.enabled ? pre.normalize.std : [1, 1, 1];
  // As HF does it: rescale in float64 then cast to float32; normalize in float32.
  const f = Math.fround;
  const rescale = pre.rescale_factor;
  for (let c = 0; c < 3; c++) {
    const m = f(mean[c] as number);
    const s = f(std[c] as number);
    for (let y = 0; y < mh; y++) {
      const sy = y + transform.cropTop;
      for (let x = 0; x < mw; x++) {
        const sx = x + transform.cropLeft;
        // A crop larger than the image pads with zeros (HF center_crop).
        const inside = sy >= 0 && sx >= 0 && sy < img.height && sx < img.width;
        const v = inside ? (img.data[(sy * img.width + sx) * 3 + c] as number) : 0;
        out[(c * mh + y) * mw + x] = f(f(f(v * rescale) - m) / s);
      }
    }
  }
  return { pixelValues: out, dims: [1, 3, mh, mw], width: image.width, height: image.height, transform };
}

export async function preprocessImage(input: string | Buffer, pre: Preprocessing): Promise<PreprocessedImage> {
  return preprocessRgb(await decodeRgb(input), pre);
}

function padSquare(image: RgbImage, fill: readonly number[]): RgbImage {
  const side = Math.max(image.width, image.height);
  const left = Math.floor((side - image.width) / 2);
  const top = Math.floor((side - image.height) / 2);
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < side * side; i++) data.set(fill.slice(0, 3), i * 3);
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + top) * side + left) * 3);
  return { width: side, height: side, data };
}
