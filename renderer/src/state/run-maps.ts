/** Picking a run's map and laying it onto the image: shared by the run view and compare. */
import type { DisplayGeometry, MapSelection, RunView } from '../../../shared/api/runs';
import { imageTransform, mapToImage } from '../../../shared/dexar/geometry';


export type MapMethod = 'dexar' | 'unfiltered' | 'attention' | 'random';

export const METHOD_LABELS: Record<MapMethod, string> = {
  dexar: 'DEX-AR',
  unfiltered: 'DEX-AR, unfiltered',
  attention: 'Raw attention',
  random: 'Random (sanity check)',
};

const KIND: Record<MapMethod, { token: string; sentence: string }> = {
  dexar: { token: 'token', sentence: 'sentence' },
  unfiltered: { token: 'unfiltered-token', sentence: 'unfiltered' },
  attention: { token: 'baseline-attention-token', sentence: 'baseline-attention' },
  random: { token: 'baseline-random-token', sentence: 'baseline-random' },
};

export interface GridMap {
  values: ArrayLike<number>;
  gh: number;
  gw: number;
}

/** The stored map of a method for the selection; undefined when the run lacks it. */
export function runGridMap(run: RunView, method: MapMethod, selection: MapSelection): GridMap | undefined {
  const kind = selection.kind === 'token' ? KIND[method].token : KIND[method].sentence;
  const found = run.heatmaps.find((h) => h.kind === kind && (selection.kind === 'sentence' ? h.tokenIndex === null : h.tokenIndex === selection.index));
  return found && { values: found.values, gh: found.gh, gw: found.gw };
}

/** A grid map on the image's own pixels (NaN where the model saw nothing). */
export function mapOnImage(map: GridMap, geometry: DisplayGeometry, width: number, height: number): Float32Array {
  return mapToImage(map.values, map.gh, map.gw, imageTransform(geometry, width, height), width, height);
}

/** The grid cell an image pixel falls in (through pad, resize and crop), or undefined outside what the model saw. */
export function imageToCell(geometry: DisplayGeometry, width: number, height: number, gh: number, gw: number, x: number, y: number): number | undefined {
  const t = imageTransform(geometry, width, height);
  const [mh, mw] = t.modelSize;
  const mx = (x + t.padLeft) * t.scaleX - t.cropLeft;
  const my = (y + t.padTop) * t.scaleY - t.cropTop;
  if (mx < 0 || my < 0 || mx >= mw || my >= mh) return undefined;
  return Math.floor((my * gh) / mh) * gw + Math.floor((mx * gw) / mw);
}
