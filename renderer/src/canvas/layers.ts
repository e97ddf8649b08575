/**
 * The canvas's fixed layer stack, bottom to top. The image never listens for events so hit
 * testing only walks the layers that can be interacted with.
 */
import Konva from 'konva';

export const LAYER_NAMES = ['image', 'heatmaps', 'annotations', 'interaction'] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

export function createLayers(stage: Konva.Stage): Record<LayerName, Konva.Layer> {
  const layers = Object.fromEntries(
    LAYER_NAMES.map((name) => [name, new Konva.Layer({ name, listening: name !== 'image' })]),
  ) as Record<LayerName, Konva.Layer>;
  for (const name of LAYER_NAMES) stage.add(layers[name]);
  return layers;
}

/** Zoom factor per wheel notch; zooming keeps the point under the cursor fixed. */
const ZOOM_STEP = 1.1;
export const MIN_SCALE = 0.05;
export const MAX_SCALE = 40;

export function zoomAt(stage: Konva.Stage, pointer: { x: number; y: number }, direction: 1 | -1): void {
  const old = stage.scaleX();
  const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, direction > 0 ? old * ZOOM_STEP : old / ZOOM_STEP));
  const anchor = { x: (pointer.x - stage.x()) / old, y: (pointer.y - stage.y()) / old };
  stage.scale({ x: next, y: next });
  stage.position({ x: pointer.x - anchor.x * next, y: pointer.y - anchor.y * next });
}
