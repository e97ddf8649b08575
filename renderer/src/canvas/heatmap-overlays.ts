/**
 * The run view's heatmap overlays from its layer stack. A layer's raster depends only on its map,
 * colormap and threshold and on the image geometry the map is laid onto; opacity, visibility,
 * order and blend mode are properties of the Konva node that shows it. So rasters are cached per
 * layer under exactly those inputs, and changing one layer's opacity or visibility re-composites
 * the canvas without re-rasterising any layer.
 */
import type { DisplayGeometry } from '../../../shared/api/runs';
import type { ColormapName } from '../../../shared/heatmap/colormap';

/** What one layer's raster is made from; parts are compared by identity (maps are immutable). */
export interface RasterInputs {
  /** The grid values of the map (a new array whenever the map changes, e.g. a painted cell). */
  map: ArrayLike<number>;
  /** Grid height and width of `map`. */
  gh: number;
  gw: number;
  /** The preprocessing geometry the map is laid back onto the image through. */
  geometry: DisplayGeometry;
  /** The image's size in pixels: the raster's size. */
  width: number;
  height: number;
  colormap: ColormapName;
  /** Values below it are transparent. */
  threshold: number;
}

/** A layer as the overlay builder needs it (the layer panel's state has more). */
export interface OverlayLayer {
  id: string;
  visible: boolean;
  opacity: number;
  /** A canvas composite operation (kept generic: this module stays free of DOM types for tests). */
  blend: string;
  colormap: ColormapName;
  threshold: number;
}

/** What the canvas draws for a layer (`CanvasOverlay` with the raster and blend types open). */
export interface HeatmapOverlay<B extends string, R> {
  id: string;
  raster: R;
  rect: { x: number; y: number; width: number; height: number };
  visible: boolean;
  opacity: number;
  blend: B;
}

const SAME_INPUTS: readonly (keyof RasterInputs)[] = ['map', 'gh', 'gw', 'geometry', 'width', 'height', 'colormap', 'threshold'];

/** One raster per layer id, kept while its inputs stay the same. */
export class RasterCache<R> {
  readonly #entries = new Map<string, { inputs: RasterInputs; raster: R }>();

  /** The cached raster of a layer when it was made from these inputs, else undefined. */
  peek(id: string, inputs: RasterInputs): R | undefined {
    const entry = this.#entries.get(id);
    return entry && SAME_INPUTS.every((k) => entry.inputs[k] === inputs[k]) ? entry.raster : undefined;
  }

  /** The layer's raster for these inputs, made (and replacing the old one) only when they changed. */
  get(id: string, inputs: RasterInputs, make: (inputs: RasterInputs) => R): R {
    const cached = this.peek(id, inputs);
    if (cached !== undefined) return cached;
    const raster = make(inputs);
    this.#entries.set(id, { inputs, raster });
    return raster;
  }

  /** Forgets the layers not listed (a run closed, an edited layer removed). */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#entries.keys()) if (!ids.has(id)) this.#entries.delete(id);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Overlays for the layers, bottom to top. `inputsOf` says what a layer's raster is made from
 * (undefined: nothing to show, e.g. the run lacks that map). A hidden layer keeps its node (and
 * raster) when it has been drawn before, so showing it again is one property change; a layer
 * never shown is not rasterised until it is.
 */
export function heatmapOverlays<L extends OverlayLayer, R>(
  layers: readonly L[],
  inputsOf: (layer: L) => RasterInputs | undefined,
  cache: RasterCache<R>,
  rasterise: (inputs: RasterInputs) => R,
): HeatmapOverlay<L['blend'], R>[] {
  const out: HeatmapOverlay<L['blend'], R>[] = [];
  const shown = new Set<string>();
  for (const layer of layers) {
    const inputs = inputsOf(layer);
    if (!inputs) continue;
    const raster = layer.visible ? cache.get(layer.id, inputs, rasterise) : cache.peek(layer.id, inputs);
    if (raster === undefined) continue;
    shown.add(layer.id);
    out.push({ id: layer.id, raster, rect: { x: 0, y: 0, width: inputs.width, height: inputs.height }, visible: layer.visible, opacity: layer.opacity, blend: layer.blend });
  }
  cache.retain(shown);
  return out;
}
