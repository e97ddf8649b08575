/**
 * Drawing regions on the canvas: box (drag), polygon (click vertices; double-click, Enter or a
 * click on the first vertex closes it; Escape cancels) and brush (drag; the stroke becomes a
 * pixel mask). Finished regions go to `onregion` in image pixel coordinates; the saved regions
 * are drawn on the annotations layer.
 */
import Konva from 'konva';
import type { Region } from '../../../shared/api/annotations';
import type { LayerName } from './layers';
import { syncNodes } from './sync';

/** `paint` draws on an edited heatmap layer instead of making a region. */
export type Tool = 'pan' | 'box' | 'polygon' | 'brush' | 'paint';

const ACCENT = '#f0a23b';
const SENSITIVE = '#ef6b6b';
/** Screen pixels within which a click on the first vertex closes a polygon. */
const CLOSE_DISTANCE = 8;

export interface AnnotationToolsOptions {
  onregion: (region: Region) => void;
  /** Pointer positions (image pixels) while painting, `start` on the press. */
  onpaint?: (point: { x: number; y: number }, start: boolean) => void;
  brushRadius?: () => number;
}

export class AnnotationTools {
  readonly #stage: Konva.Stage;
  readonly #regionsLayer: Konva.Layer;
  readonly #previewLayer: Konva.Layer;
  readonly #options: AnnotationToolsOptions;
  readonly #regionNodes = new Map<string, Konva.Shape>();
  readonly #preview: Konva.Line = new Konva.Line({ points: [], stroke: ACCENT, strokeWidth: 1.5, dash: [6, 4], listening: false, strokeScaleEnabled: false });
  #tool: Tool = 'pan';
  #points: number[] = [];
  #dragging = false;

  constructor(stage: Konva.Stage, layers: Record<LayerName, Konva.Layer>, options: AnnotationToolsOptions) {
    this.#stage = stage;
    this.#regionsLayer = layers.annotations;
    this.#previewLayer = layers.interaction;
    this.#options = options;
    this.#previewLayer.add(this.#preview);
    stage.on('pointerdown.tools', () => this.#down());
    stage.on('pointermove.tools', () => this.#move());
    stage.on('pointerup.tools', () => this.#up());
    stage.on('dblclick.tools', () => this.#onDoubleClick());
  }

  get tool(): Tool {
    return this.#tool;
  }

  setTool(tool: Tool): void {
    this.cancel();
    this.#tool = tool;
    this.#stage.draggable(tool === 'pan');
    this.#stage.container().style.cursor = tool === 'pan' ? 'grab' : 'crosshair';
  }

  /** Keyboard for the polygon tool; returns whether the key was used. */
  handleKey(key: string): boolean {
    if (key === 'Escape' && this.#points.length > 0) {
      this.cancel();
      return true;
    }
    if (key === 'Enter' && this.#tool === 'polygon') {
      this.#finishPolygon();
      return true;
    }
    return false;
  }

  cancel(): void {
    this.#points = [];
    this.#dragging = false;
    this.#drawPreview();
  }

  /** Draws the saved regions; `sensitive` ones are outlined in red, `highlight` is thicker. */
  setRegions(regions: readonly Region[], sensitive: boolean, highlight?: number): void {
    const items = regions.map((region, index) => ({ id: `region-${index}-${region.shape}`, region, selected: index === highlight }));
    syncNodes(this.#regionsLayer, items, this.#regionNodes, {
      create: (item) =>
        item.region.shape === 'box' ? new Konva.Rect({ listening: false }) : item.region.shape === 'polygon' ? new Konva.Line({ listening: false }) : new Konva.Image({ image: undefined, listening: false }),
      update: (node, item) => node.setAttrs(regionAttrs(item.region, sensitive, item.selected)),
    });
    this.#regionsLayer.batchDraw();
  }

  destroy(): void {
    this.#stage.off('.tools');
    this.#preview.destroy();
    for (const node of this.#regionNodes.values()) node.destroy();
  }

  #pointer(): { x: number; y: number } | undefined {
    return this.#stage.getRelativePointerPosition() ?? undefined;
  }

  #down(): void {
    const p = this.#pointer();
    if (!p || this.#tool === 'pan') return;
    if (this.#tool === 'paint') {
      this.#dragging = true;
      this.#options.onpaint?.(p, true);
      return;
    }
    if (this.#tool === 'polygon') {
      const [x0, y0] = this.#points;
      if (this.#points.length >= 6 && x0 !== undefined && y0 !== undefined && Math.hypot(p.x - x0, p.y - y0) * this.#stage.scaleX() < CLOSE_DISTANCE) {
        this.#finishPolygon();
        return;
      }
      this.#points = [...this.#points, p.x, p.y];
    } else {
      this.#dragging = true;
      this.#points = [p.x, p.y, p.x, p.y];
    }
    this.#drawPreview();
  }

  #move(): void {
    const p = this.#pointer();
    if (!p) return;
    if (this.#tool === 'paint') {
      if (this.#dragging) this.#options.onpaint?.(p, false);
      return;
    }
    if (this.#tool === 'box' && this.#dragging) {
      this.#points = [this.#points[0] ?? p.x, this.#points[1] ?? p.y, p.x, p.y];
    } else if (this.#tool === 'brush' && this.#dragging) {
      this.#points = [...this.#points, p.x, p.y];
    } else if (this.#tool === 'polygon' && this.#points.length > 0) {
      this.#drawPreview(p);
      return;
    } else return;
    this.#drawPreview();
  }

  #up(): void {
    if (!this.#dragging) return;
    this.#dragging = false;
    if (this.#tool === 'paint') return;
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = this.#points;
    if (this.#tool === 'box' && Math.abs(x1 - x0) >= 1 && Math.abs(y1 - y0) >= 1) {
      this.#options.onregion({ shape: 'box', x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) });
    } else if (this.#tool === 'brush' && this.#points.length >= 2) {
      this.#options.onregion(rasteriseStroke(this.#points, this.#options.brushRadius?.() ?? 12));
    }
    this.cancel();
  }

  /**
   * Konva reports two quick clicks anywhere as a double-click; only one on the same spot (the
   * last two vertices together) closes the polygon, so fast clicking never loses vertices.
   */
  #onDoubleClick(): void {
    const n = this.#points.length;
    if (this.#tool !== 'polygon' || n < 8) return;
    const gap = Math.hypot((this.#points[n - 2] as number) - (this.#points[n - 4] as number), (this.#points[n - 1] as number) - (this.#points[n - 3] as number));
    if (gap * this.#stage.scaleX() < CLOSE_DISTANCE) this.#finishPolygon();
  }

  #finishPolygon(): void {
    if (this.#tool !== 'polygon') return;
    // A double-click also delivered two pointerdowns on the same spot: drop repeated vertices.
    const points: number[] = [];
    for (let i = 0; i + 1 < this.#points.length; i += 2) {
      const x = this.#points[i] as number;
      const y = this.#points[i + 1] as number;
      if (points.length === 0 || Math.hypot(x - (points.at(-2) as number), y - (points.at(-1) as number)) > 0.5) points.push(x, y);
    }
    if (points.length >= 6) {
      const pairs: [number, number][] = [];
      for (let i = 0; i + 1 < points.length; i += 2) pairs.push([points[i] as number, points[i + 1] as number]);
      this.#options.onregion({ shape: 'polygon', points: pairs });
    }
    this.cancel();
  }

  #drawPreview(cursor?: { x: number; y: number }): void {
    const points = this.#points;
    if (this.#tool === 'box' && points.length === 4) {
      const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = points;
      this.#preview.setAttrs({ points: [x0, y0, x1, y0, x1, y1, x0, y1], closed: true, strokeWidth: 1.5, lineCap: 'butt', opacity: 1 });
    } else if (this.#tool === 'brush') {
      const radius = this.#options.brushRadius?.() ?? 12;
      this.#preview.setAttrs({ points, closed: false, strokeWidth: radius * 2, strokeScaleEnabled: true, lineCap: 'round', lineJoin: 'round', opacity: 0.45, dash: [] });
    } else {
      this.#preview.setAttrs({ points: cursor ? [...points, cursor.x, cursor.y] : points, closed: false, strokeWidth: 1.5, strokeScaleEnabled: false, opacity: 1, dash: [6, 4] });
    }
    this.#previewLayer.batchDraw();
  }
}

/** A round-brush stroke as a pixel mask over its bounding box (what the store keeps). */
export function rasteriseStroke(points: readonly number[], radius: number): Region {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    minX = Math.min(minX, points[i] as number);
    maxX = Math.max(maxX, points[i] as number);
    minY = Math.min(minY, points[i + 1] as number);
    maxY = Math.max(maxY, points[i + 1] as number);
  }
  const x = Math.floor(minX - radius);
  const y = Math.floor(minY - radius);
  const width = Math.ceil(maxX + radius) - x;
  const height = Math.ceil(maxY + radius) - y;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = radius * 2;
  ctx.strokeStyle = '#fff';
  ctx.beginPath();
  ctx.moveTo((points[0] as number) - x, (points[1] as number) - y);
  for (let i = 2; i + 1 < points.length; i += 2) ctx.lineTo((points[i] as number) - x, (points[i + 1] as number) - y);
  if (points.length === 2) ctx.lineTo((points[0] as number) - x + 0.01, (points[1] as number) - y);
  ctx.stroke();
  const alpha = ctx.getImageData(0, 0, width, height).data;
  const bits: (0 | 1)[] = new Array(width * height);
  for (let i = 0; i < width * height; i++) bits[i] = (alpha[i * 4 + 3] as number) >= 128 ? 1 : 0;
  return { shape: 'mask', x, y, width, height, bits };
}

function maskCanvas(region: Extract<Region, { shape: 'mask' }>, colour: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = region.width;
  canvas.height = region.height;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(region.width, region.height);
  const [r, g, b] = [1, 3, 5].map((o) => Number.parseInt(colour.slice(o, o + 2), 16)) as [number, number, number];
  region.bits.forEach((bit, i) => {
    if (bit) image.data.set([r, g, b, 120], i * 4);
  });
  ctx.putImageData(image, 0, 0);
  return canvas;
}

function regionAttrs(region: Region, sensitive: boolean, selected: boolean): Konva.ShapeConfig {
  const stroke = sensitive ? SENSITIVE : ACCENT;
  const base = { stroke, strokeScaleEnabled: false, strokeWidth: selected ? 3 : 2, dash: sensitive ? [8, 4] : [] };
  if (region.shape === 'box') return { ...base, x: region.x, y: region.y, width: region.width, height: region.height, fill: `${stroke}22` };
  if (region.shape === 'polygon') return { ...base, points: region.points.flat(), closed: true, fill: `${stroke}22` };
  return { image: maskCanvas(region, stroke), x: region.x, y: region.y, width: region.width, height: region.height, opacity: selected ? 1 : 0.8 };
}
