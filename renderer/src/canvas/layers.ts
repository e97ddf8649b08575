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
