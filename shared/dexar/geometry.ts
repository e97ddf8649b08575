/**
 * Display geometry (DESIGN §3 "Display"): bilinear upsampling of a gh × gw map to the model's
 * input size, and the inverse of the preprocessing (pad → resize → centre crop) so every heatmap
 * pixel lands on the image pixel the model saw. Sizes are [height, width] like the manifest.
 */

/** The geometric part of a bundle's preprocessing (manifest "preprocessing" fits this shape). */
export interface PreprocessGeometry {
  readonly pad: { readonly mode: 'none' | 'square' };
  readonly resize: { readonly enabled: boolean; readonly mode: 'shortest_edge' | 'exact'; readonly size: readonly [number, number] | readonly number[] };
  readonly crop: { readonly mode: 'center' | 'none'; readonly size: readonly [number, number] | readonly number[] };
}

/** Where an image of a given size goes: model x = (image x + padLeft)·scaleX − cropLeft (edge coordinates). */
export interface ImageTransform {
  readonly padLeft: number;
  readonly padTop: number;
  readonly scaleX: number;
  readonly scaleY: number;
  readonly cropLeft: number;
  readonly cropTop: number;
  /** Size of the model input after preprocessing, [height, width]. */
  readonly modelSize: readonly [number, number];
  /** Size after pad and resize, before the crop, [height, width] (what the pixel pipeline resizes to). */
  readonly resizedSize: readonly [number, number];
  /** Size after padding, [height, width]. */
  readonly paddedSize: readonly [number, number];
}

export function imageTransform(geometry: PreprocessGeometry, width: number, height: number): ImageTransform {
  if (!(width > 0 && height > 0)) throw new RangeError(`image transform: expected a positive image size, found ${width}×${height}`);
  let pw = width;
  let ph = height;
  let padLeft = 0;
  let padTop = 0;
  if (geometry.pad.mode === 'square' && width !== height) {
    const side = Math.max(width, height);
    padLeft = Math.floor((side - width) / 2);
    padTop = Math.floor((side - height) / 2);
    pw = side;
    ph = side;
  }
  let rw = pw;
  let rh = ph;
  if (geometry.resize.enabled) {
    const [sh, sw] = geometry.resize.size as [number, number];
    if (geometry.resize.mode === 'shortest_edge') {
      // HF get_resize_output_image_size: scale the short side to size[0], floor the long side.
      if (pw <= ph) {
        rw = sh;
        rh = Math.floor((sh * ph) / pw);
      } else {
        rh = sh;
        rw = Math.floor((sh * pw) / ph);
      }
    } else {
      rh = sh;
      rw = sw;
    }
  }
  let cropLeft = 0;
  let cropTop = 0;
  let mh = rh;
  let mw = rw;
  if (geometry.crop.mode === 'center') {
    const [ch, cw] = geometry.crop.size as [number, number];
    cropTop = Math.floor((rh - ch) / 2);
    cropLeft = Math.floor((rw - cw) / 2);
    mh = ch;
    mw = cw;
  }
  return {
    padLeft,
    padTop,
    scaleX: rw / pw,
    scaleY: rh / ph,
    cropLeft,
    cropTop,
    modelSize: [mh, mw],
    resizedSize: [rh, rw],
    paddedSize: [ph, pw],
  };
}

/**
 * Value at continuous model-input coordinates (x, y in pixels, edges at integers) of the
 * bilinear upsampling of a gh × gw map (half-pixel centres, edges clamped: align_corners=False).
 */
export function sampleBilinear(map: ArrayLike<number>, gh: number, gw: number, modelSize: readonly [number, number], x: number, y: number): number {
  const gx = Math.min(Math.max((x * gw) / modelSize[1] - 0.5, 0), gw - 1);
  const gy = Math.min(Math.max((y * gh) / modelSize[0] - 0.5, 0), gh - 1);
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const x1 = Math.min(x0 + 1, gw - 1);
  const y1 = Math.min(y0 + 1, gh - 1);
  const fx = gx - x0;
  const fy = gy - y0;
  const at = (r: number, c: number) => map[r * gw + c] as number;
  const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
  const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** The map bilinearly upsampled to the model's input size: (height × width), row-major. */
export function upsampleBilinear(map: ArrayLike<number>, gh: number, gw: number, size: readonly [number, number]): Float32Array {
  if (map.length !== gh * gw) throw new RangeError(`upsample: expected ${gh}×${gw} = ${gh * gw} values, found ${map.length}`);
  const [h, w] = size;
  const out = new Float32Array(h * w);
  for (let py = 0; py < h; py++) for (let px = 0; px < w; px++) out[py * w + px] = sampleBilinear(map, gh, gw, size, px + 0.5, py + 0.5);
  return out;
}

/**
 * The map on the original image (height × width, row-major): each image pixel centre is carried
 * through pad, resize and crop to the model input, where the upsampled map is read. Pixels the
 * model never saw (cropped away) are NaN, so overlays leave them unpainted.
 */
export function mapToImage(map: ArrayLike<number>, gh: number, gw: number, transform: ImageTransform, width: number, height: number): Float32Array {
  if (map.length !== gh * gw) throw new RangeError(`map to image: expected ${gh}×${gw} = ${gh * gw} values, found ${map.length}`);
  const [mh, mw] = transform.modelSize;
  const out = new Float32Array(width * height);
  for (let iy = 0; iy < height; iy++) {
    const y = (iy + 0.5 + transform.padTop) * transform.scaleY - transform.cropTop;
    for (let ix = 0; ix < width; ix++) {
      const x = (ix + 0.5 + transform.padLeft) * transform.scaleX - transform.cropLeft;
      out[iy * width + ix] = x < 0 || y < 0 || x >= mw || y >= mh ? Number.NaN : sampleBilinear(map, gh, gw, transform.modelSize, x, y);
    }
  }
  return out;
}

/** Inverse mapping of one grid cell: its rectangle in original image pixels [x0, y0, x1, y1] (may extend past the image into padding). */
export function cellToImageRect(row: number, col: number, gh: number, gw: number, transform: ImageTransform): [number, number, number, number] {
  const [mh, mw] = transform.modelSize;
  const toImageX = (x: number) => (x + transform.cropLeft) / transform.scaleX - transform.padLeft;
  const toImageY = (y: number) => (y + transform.cropTop) / transform.scaleY - transform.padTop;
  return [toImageX((col * mw) / gw), toImageY((row * mh) / gh), toImageX(((col + 1) * mw) / gw), toImageY(((row + 1) * mh) / gh)];
}
