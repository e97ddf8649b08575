/**
 * Pillow's Image.resize (libImaging/Resample.c) on 8-bit RGB, reproduced exactly: separable
 * convolution with the filter support scaled for downscaling (antialiasing), coefficients in
 * 22-bit fixed point, horizontal pass first with 8-bit rounding between passes. Hugging Face's
 * CLIP image processor resizes with Pillow (reducing_gap=None), so matching it bit for bit keeps
 * the engine's pixels equal to the Python reference's.
 */

export type Interpolation = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos' | 'box' | 'hamming';

/** An 8-bit interleaved RGB image. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width·height·3 bytes, row-major RGB. */
  readonly data: Uint8Array;
}

interface Filter {
  readonly support: number;
  readonly weight: (x: number) => number;
}

const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));

const FILTERS: Record<Exclude<Interpolation, 'nearest'>, Filter> = {
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  hamming: { support: 1, weight: (x) => (Math.abs(x) >= 1 ? 0 : x === 0 ? 1 : sinc(x) * (0.54 + 0.46 * Math.cos(Math.PI * x))) },
  bicubic: {
    support: 2,
    weight: (v) => {
      const a = -0.5;
      const x = Math.abs(v);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, weight: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

const PRECISION_BITS = 32 - 8 - 2;

interface Coefficients {
  readonly ksize: number;
  /** Per output pixel: first input index and tap count. */
  readonly bounds: Int32Array;
  /** Fixed-point taps, ksize per output pixel. */
  readonly taps: Float64Array;
}

function precompute(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const taps = new Float64Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    k.fill(0);
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) / filterScale);
      k[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? (k[x] as number) / total : (k[x] as number);
      // normalize_coeffs_8bpc: C's (int) cast after ±0.5 rounds half away from zero.
      taps[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, taps };
}

function clip8(v: number): number {
  if (v >= 256 * (1 << PRECISION_BITS)) return 255;
  if (v <= 0) return 0;
  return Math.floor(v / (1 << PRECISION_BITS));
}

/** Resize like Pillow's `Image.resize((width, height), resample)` for an RGB image. */
export function resizeRgb(image: RgbImage, width: number, height: number, interpolation: Interpolation): RgbImage {
  if (width === image.width && height === image.height) return image;
  if (interpolation === 'nearest') return resizeNearest(image, width, height);
  const filter = FILTERS[interpolation];
  const vert = precompute(image.height, height, filter);
  const horiz = precompute(image.width, width, filter);
  let src = image;
  if (width !== image.width) {
    // Only the rows the vertical pass reads are resampled horizontally (as Pillow does).
    const first = height !== image.height ? (vert.bounds[0] as number) : 0;
    const last = height !== image.height ? (vert.bounds[height * 2 - 2] as number) + (vert.bounds[height * 2 - 1] as number) : image.height;
    src = horizontalPass(image, first, last, width, horiz);
    if (height !== image.height) for (let i = 0; i < height; i++) vert.bounds[i * 2] = (vert.bounds[i * 2] as number) - first;
  }
  return height !== image.height ? verticalPass(src, height, vert) : src;
}

function horizontalPass(image: RgbImage, firstRow: number, lastRow: number, width: number, c: Coefficients): RgbImage {
  const rows = lastRow - firstRow;
  const out = new Uint8Array(width * rows * 3);
  const half = 1 << (PRECISION_BITS - 1);
  for (let y = 0; y < rows; y++) {
    const rowIn = (y + firstRow) * image.width * 3;
    for (let xx = 0; xx < width; xx++) {
      const xmin = c.bounds[xx * 2] as number;
      const xmax = c.bounds[xx * 2 + 1] as number;
      let r = half;
      let g = half;
      let b = half;
      for (let x = 0; x < xmax; x++) {
        const k = c.taps[xx * c.ksize + x] as number;
        const p = rowIn + (x + xmin) * 3;
        r += (image.data[p] as number) * k;
        g += (image.data[p + 1] as number) * k;
        b += (image.data[p + 2] as number) * k;
      }
      const o = (y * width + xx) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return { width, height: rows, data: out };
}

function verticalPass(image: RgbImage, height: number, c: Coefficients): RgbImage {
  const out = new Uint8Array(image.width * height * 3);
  const half = 1 << (PRECISION_BITS - 1);
  const stride = image.width * 3;
  for (let yy = 0; yy < height; yy++) {
    const ymin = c.bounds[yy * 2] as number;
    const ymax = c.bounds[yy * 2 + 1] as number;
    for (let i = 0; i < stride; i++) {
      let v = half;
      for (let y = 0; y < ymax; y++) v += (image.data[(y + ymin) * stride + i] as number) * (c.taps[yy * c.ksize + y] as number);
      out[yy * stride + i] = clip8(v);
    }
  }
  return { width: image.width, height, data: out };
}

/** Pillow's NEAREST: source pixel at floor((x + 0.5) · in / out). */
function resizeNearest(image: RgbImage, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.floor(((y + 0.5) * image.height) / height), image.height - 1);
    for (let x = 0; x < width; x++) {
      const sx = Math.min(Math.floor(((x + 0.5) * image.width) / width), image.width - 1);
      out.set(image.data.subarray((sy * image.width + sx) * 3, (sy * image.width + sx) * 3 + 3), (y * width + x) * 3);
    }
  }
  return { width, height, data: out };
}
