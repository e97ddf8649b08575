import { describe, expect, it } from 'vitest';
import type { DisplayGeometry } from '../../../shared/api/runs';
import { heatmapOverlays, RasterCache, type OverlayLayer, type RasterInputs } from '../../../renderer/src/canvas/heatmap-overlays';

// The geometry is only compared by identity here; its contents never matter to the cache.
const GEOMETRY = {} as DisplayGeometry;
const MAPS: Record<string, number[]> = { dexar: [0, 0.5, 1, 0.25], attention: [1, 0, 0, 1], edited: [0, 0, 1, 1] };

function layer(id: string, patch: Partial<OverlayLayer> = {}): OverlayLayer {
  return { id, visible: true, opacity: 0.65, blend: 'source-over', colormap: 'inferno', threshold: 0, ...patch };
}

/** Builds overlays like the run view does, counting how often each layer is rasterised. */
function harness() {
  const cache = new RasterCache<{ id: string; colormap: string; threshold: number }>();
  const made: string[] = [];
  const inputsOf = (l: OverlayLayer): RasterInputs | undefined => {
    const map = MAPS[l.id];
    return map && { map, gh: 2, gw: 2, geometry: GEOMETRY, width: 40, height: 30, colormap: l.colormap, threshold: l.threshold };
  };
  const build = (layers: OverlayLayer[]) =>
    heatmapOverlays(layers, inputsOf, cache, (inputs) => {
      const id = Object.keys(MAPS).find((k) => MAPS[k] === inputs.map) as string;
      made.push(id);
      return { id, colormap: inputs.colormap, threshold: inputs.threshold };
    });
  return { cache, made, build };
}

describe('canvas/heatmapOverlays', () => {
  it('rasterises each visible layer once and reuses the rasters when only opacity changes', () => {
    const { made, build } = harness();
    const first = build([layer('attention'), layer('dexar'), layer('edited')]);
    expect(made).toEqual(['attention', 'dexar', 'edited']);
    const second = build([layer('attention'), layer('dexar', { opacity: 0.2 }), layer('edited')]);
    expect(made).toHaveLength(3);
    expect(second.map((o) => o.raster)).toEqual(first.map((o) => o.raster));
    expect(second[1]?.raster).toBe(first[1]?.raster);
    expect(second.map((o) => o.opacity)).toEqual([0.65, 0.2, 0.65]);
  });

  it('hiding and showing a layer keeps its node and raster; nothing is rasterised again', () => {
    const { made, build } = harness();
    const first = build([layer('attention'), layer('dexar')]);
    const hidden = build([layer('attention'), layer('dexar', { visible: false })]);
    expect(hidden.map((o) => [o.id, o.visible])).toEqual([
      ['attention', true],
      ['dexar', false],
    ]);
    const shown = build([layer('attention'), layer('dexar')]);
    expect(made).toEqual(['attention', 'dexar']);
    expect(shown[1]?.raster).toBe(first[1]?.raster);
  });

  it('a colormap or threshold change rasterises only that layer', () => {
    const { made, build } = harness();
    build([layer('attention'), layer('dexar')]);
    const recoloured = build([layer('attention'), layer('dexar', { colormap: 'viridis' })]);
    expect(made).toEqual(['attention', 'dexar', 'dexar']);
    expect(recoloured[1]?.raster).toMatchObject({ colormap: 'viridis' });
    build([layer('attention', { threshold: 0.3 }), layer('dexar', { colormap: 'viridis' })]);
    expect(made).toEqual(['attention', 'dexar', 'dexar', 'attention']);
  });

  it('a new map (another token, a painted cell) rasterises that layer again', () => {
    const { made, build } = harness();
    build([layer('edited')]);
    MAPS.edited = [1, 1, 0, 0];
    try {
      build([layer('edited')]);
    } finally {
      MAPS.edited = [0, 0, 1, 1];
    }
    expect(made).toEqual(['edited', 'edited']);
  });

  it('a layer never shown is not rasterised, and layers that go are forgotten', () => {
    const { cache, made, build } = harness();
    expect(build([layer('attention', { visible: false }), layer('dexar')]).map((o) => o.id)).toEqual(['dexar']);
    expect(made).toEqual(['dexar']);
    build([layer('missing-map'), layer('attention')]);
    expect(cache.size).toBe(1);
  });
});
