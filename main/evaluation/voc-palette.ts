/**
 * Pascal VOC's segmentation PNGs are palette images whose colour for label i follows a fixed
 * bit pattern; decoders hand us RGB, so we map colours back to labels through that palette.
 */
export const VOC_CLASSES = [
  'background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
] as const;

/** Label 255 marks object boundaries and "difficult" pixels: neither inside nor outside. */
export const VOC_VOID = 255;

export function vocColour(label: number): [number, number, number] {
  let r = 0;
  let g = 0;
  let b = 0;
  let c = label;
  for (let j = 0; j < 8; j++) {
    r |= ((c >> 0) & 1) << (7 - j);
    g |= ((c >> 1) & 1) << (7 - j);
    b |= ((c >> 2) & 1) << (7 - j);
    c >>= 3;
  }
  return [r, g, b];
}

const LABEL_BY_COLOUR = new Map<number, number>(
  Array.from({ length: 256 }, (_, label) => {
    const [r, g, b] = vocColour(label);
    return [(r << 16) | (g << 8) | b, label] as const;
  }),
);

/** Labels per pixel from decoded RGB(A) pixels; throws on a colour outside the VOC palette. */
export function labelsFromRgb(pixels: Uint8Array, channels: number, file: string): Uint8Array {
  const count = pixels.length / channels;
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const key = ((pixels[i * channels] as number) << 16) | ((pixels[i * channels + 1] as number) << 8) | (pixels[i * channels + 2] as number);
    const label = LABEL_BY_COLOUR.get(key);
    if (label === undefined) {
      throw new Error(`${file}: pixel ${i} has colour #${key.toString(16).padStart(6, '0')}, which is not in the VOC palette`);
    }
    labels[i] = label;
  }
  return labels;
}
