/**
 * Turns a heatmap (values in [0,1], row-major) into RGBA pixels for an overlay. The same function
 * draws the canvas layers in the renderer and the overlays in PNG/PDF exports, so what the analyst
 * sees is what the report shows.
 */
import { colormapLut, type ColormapName } from './colormap';

export interface OverlayStyle {
  colormap: ColormapName;
  /** Overall opacity of the overlay, 0–1. */
  opacity: number;
  /** Values below this are fully transparent, so only the hot region covers the image. */
  threshold: number;
  /** Scale alpha with the value as well, so cold areas fade instead of tinting the image. */
  alphaByValue: boolean;
  /**
   * The value range mapped onto the colormap. Maps are min-max normalised per map by DEX-AR; a
   * shared range lets compare views put several maps on one colour scale.
   */
  range: readonly [number, number];
}

export const DEFAULT_OVERLAY: OverlayStyle = {
  colormap: 'inferno',
  opacity: 0.6,
  threshold: 0,
  alphaByValue: false,
  range: [0, 1],
};

export function renderOverlay(values: Float32Array | readonly number[], style: OverlayStyle): Uint8ClampedArray {
  const lut = colormapLut(style.colormap);
  const [lo, hi] = style.range;
  const span = hi - lo;
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const raw = values[i] as number;
    const v = span > 0 ? Math.min(1, Math.max(0, (raw - lo) / span)) : 0;
    const level = Math.round(v * 255) * 3;
    out[i * 4] = lut[level] as number;
    out[i * 4 + 1] = lut[level + 1] as number;
    out[i * 4 + 2] = lut[level + 2] as number;
    const visible = Number.isFinite(raw) && v >= style.threshold;
    out[i * 4 + 3] = visible ? Math.round(255 * style.opacity * (style.alphaByValue ? v : 1)) : 0;
  }
  return out;
}

/**
 * A signed difference (e.g. map A − map B, values in [−range, range]) on a diverging colormap:
 * zero is transparent, and opacity grows with the size of the difference.
 */
export function renderDifference(values: Float32Array | readonly number[], colormap: ColormapName, opacity: number, range = 1): Uint8ClampedArray {
  const lut = colormapLut(colormap);
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const raw = values[i] as number;
    if (!Number.isFinite(raw)) continue;
    const v = Math.min(1, Math.max(-1, raw / range));
    const level = Math.round(((v + 1) / 2) * 255) * 3;
    out[i * 4] = lut[level] as number;
    out[i * 4 + 1] = lut[level + 1] as number;
    out[i * 4 + 2] = lut[level + 2] as number;
    out[i * 4 + 3] = Math.round(255 * opacity * Math.abs(v));
  }
  return out;
}
