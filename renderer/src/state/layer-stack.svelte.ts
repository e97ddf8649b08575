/**
 * The layer panel's model: what is drawn over the image, in which order, how strongly and
 * whether it may be edited. Order is bottom → top.
 */
import { untrack } from 'svelte';
import type { ColormapName } from '../../../shared/heatmap/colormap';
import type { BlendMode } from '../canvas/overlay';

export type LayerKind = 'heatmap' | 'baseline' | 'edited' | 'annotations';

export interface LayerState {
  id: string;
  name: string;
  kind: LayerKind;
  visible: boolean;
  locked: boolean;
  opacity: number;
  blend: BlendMode;
  colormap: ColormapName;
  threshold: number;
}

export class LayerStack {
  #layers = $state.raw<readonly LayerState[]>([]);

  get layers(): readonly LayerState[] {
    return this.#layers;
  }

  /** Replaces the stack, keeping the user's choices for layers that survive (same id). */
  reset(layers: readonly LayerState[]): void {
    // Read without tracking: effects call this and must not re-run because it wrote the stack.
    const previous = new Map(untrack(() => this.#layers).map((layer) => [layer.id, layer]));
    this.#layers = layers.map((layer) => {
      const kept = previous.get(layer.id);
      return kept ? { ...layer, visible: kept.visible, locked: kept.locked, opacity: kept.opacity, blend: kept.blend, colormap: kept.colormap, threshold: kept.threshold } : layer;
    });
  }

  get(id: string): LayerState | undefined {
    return this.#layers.find((layer) => layer.id === id);
  }

  update(id: string, patch: Partial<Omit<LayerState, 'id' | 'kind'>>): void {
    this.#layers = this.#layers.map((layer) => (layer.id === id ? { ...layer, ...patch } : layer));
  }

  /** Moves a layer one step up (towards the top) or down. */
  move(id: string, direction: 1 | -1): void {
    const index = this.#layers.findIndex((layer) => layer.id === id);
    const target = index + direction;
    if (index < 0 || target < 0 || target >= this.#layers.length) return;
    const next = [...this.#layers];
    [next[index], next[target]] = [next[target] as LayerState, next[index] as LayerState];
    this.#layers = next;
  }
}
