/**
 * The analyst's regions drawn over the image: boxes and polygons as SVG strokes, brush masks as a
 * tinted fill with a solid outline. Each annotation gets its own colour (the PDF's findings list
 * repeats it as a swatch); sensitive regions are dashed so a reader knows the blur is deliberate.
 */
import type { ParsedReportCase } from './types';
import { rasterizeRegion } from './regions';

/**
 * Distinct, saturated colours that stay visible over the heatmap colormaps; none white (lost on
 * light images and as a swatch on paper); ten findings before one repeats.
 */
export const ANNOTATION_COLOURS = ['#00e5ff', '#76ff03', '#ff4081', '#ffea00', '#e040fb', '#ff9100', '#2979ff', '#1de9b6', '#ff1744', '#c6ff00'] as const;

export function annotationColour(index: number): string {
  return ANNOTATION_COLOURS[index % ANNOTATION_COLOURS.length] as string;
}

export function strokeWidth(width: number, height: number): number {
  return Math.max(2, Math.round(Math.max(width, height) / 250));
}

/** An SVG the size of the image with every box and polygon, or null when there is none. */
export function vectorLayerSvg(c: ParsedReportCase): Buffer | null {
  const { width, height } = c.image;
  const sw = strokeWidth(width, height);
  const shapes: string[] = [];
  c.annotations.forEach((a, i) => {
    const colour = annotationColour(i);
    for (const r of a.regions) {
      const dash = r.sensitive ? ` stroke-dasharray="${sw * 3},${sw * 2}"` : '';
      const common = `fill="none" stroke="${colour}" stroke-width="${sw}"${dash}`;
      if (r.area.shape === 'box') shapes.push(`<rect x="${r.area.x}" y="${r.area.y}" width="${r.area.width}" height="${r.area.height}" ${common}/>`);
      else if (r.area.shape === 'polygon') shapes.push(`<polygon points="${r.area.points.map(([x, y]) => `${x},${y}`).join(' ')}" ${common} stroke-linejoin="round"/>`);
    }
  });
  if (shapes.length === 0) return null;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${shapes.join('')}</svg>`);
}

/** RGBA layer with brush masks (light tint inside, solid edge), or null when there is none. */
export function maskLayerRgba(c: ParsedReportCase): Uint8Array | null {
  const { width, height } = c.image;
  let out: Uint8Array | null = null;
  const edge = strokeWidth(width, height);
  c.annotations.forEach((a, i) => {
    const rgb = hexRgb(annotationColour(i));
    for (const r of a.regions) {
      if (r.area.shape !== 'mask') continue;
      const mask = rasterizeRegion(r.area, width, height);
      out ??= new Uint8Array(width * height * 4);
      const layer = out;
      const border = maskEdge(mask, width, height, edge);
      // Sensitive masks get a dashed edge like sensitive boxes: diagonal bands of 3 strokes on, 2 off.
      const dashOn = (p: number) => Math.floor(((p % width) + Math.floor(p / width)) / edge) % 5 < 3;
      for (let p = 0; p < width * height; p++) {
        if (!mask[p]) continue;
        layer[p * 4] = rgb[0];
        layer[p * 4 + 1] = rgb[1];
        layer[p * 4 + 2] = rgb[2];
        // Interior only tinted: the heatmap under a painted region stays readable.
        layer[p * 4 + 3] = border[p] && (!r.sensitive || dashOn(p)) ? 255 : 56;
      }
    }
  });
  return out;
}

/**
 * Mask pixels within `radius` (Chebyshev) of a pixel outside the mask: the 1-px boundary dilated
 * by two sliding-window passes, so the cost does not grow with the stroke width.
 */
export function maskEdge(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const boundary = new Uint8Array(width * height);
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] === 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (inside(x, y) && (!inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1))) boundary[y * width + x] = 1;
    }
  }
  const horizontal = dilate1d(boundary, width, height, radius - 1, 1, width);
  const both = dilate1d(horizontal, height, width, radius - 1, width, 1);
  for (let i = 0; i < both.length; i++) both[i] = both[i] && mask[i] ? 1 : 0;
  return both;
}

/** Max filter of half-width r along lines of length n (element step `step`, line start stride `stride`). */
function dilate1d(src: Uint8Array, n: number, lines: number, r: number, step: number, stride: number): Uint8Array {
  const out = new Uint8Array(src.length);
  if (r <= 0) {
    out.set(src);
    return out;
  }
  for (let line = 0; line < lines; line++) {
    const base = line * stride;
    let count = 0;
    for (let i = 0; i < Math.min(r, n); i++) count += src[base + i * step] as number;
    for (let i = 0; i < n; i++) {
      if (i + r < n) count += src[base + (i + r) * step] as number;
      if (i - r - 1 >= 0) count -= src[base + (i - r - 1) * step] as number;
      out[base + i * step] = count > 0 ? 1 : 0;
    }
  }
  return out;
}

export function hexRgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
