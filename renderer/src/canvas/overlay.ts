/** Heatmap rasters for the canvas, drawn with the same overlay function the reports use. */
import { renderOverlay, type OverlayStyle } from '../../../shared/heatmap/render';

/** A raster positioned in image pixel coordinates (it may extend past the image when padded). */
export interface CanvasOverlay {
  id: string;
  raster: HTMLCanvasElement;
  rect: { x: number; y: number; width: number; height: number };
  visible: boolean;
  /** Extra opacity on top of the raster's own alpha (layer panel slider). */
  opacity: number;
  blend: GlobalCompositeOperation;
}

export const BLEND_MODES = ['source-over', 'multiply', 'screen', 'overlay', 'lighten'] as const satisfies readonly GlobalCompositeOperation[];
export type BlendMode = (typeof BLEND_MODES)[number];

export function overlayRaster(values: Float32Array, width: number, height: number, style: OverlayStyle): HTMLCanvasElement {
  if (values.length !== width * height) throw new RangeError(`overlayRaster: ${values.length} values for ${width}×${height}`);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('overlayRaster: 2D canvas unavailable');
  ctx.putImageData(new ImageData(renderOverlay(values, style) as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return canvas;
}
