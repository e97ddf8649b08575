/**
 * Where the image sits on screen: one scale and offset. Compare panes share one instance, which is
 * all synchronised zoom and pan takes.
 */
export const MIN_SCALE = 0.05;
export const MAX_SCALE = 40;

export class Viewport {
  scale = $state(1);
  x = $state(0);
  y = $state(0);
  /** True until the user zooms or pans: resizing the stage then refits instead of cropping. */
  autoFit = $state(true);

  /** Centres content of the given size in a stage, scaled to fit with a margin. */
  fit(contentWidth: number, contentHeight: number, stageWidth: number, stageHeight: number, margin = 40): void {
    if (contentWidth <= 0 || contentHeight <= 0 || stageWidth <= 0 || stageHeight <= 0) return;
    const scale = Math.min((stageWidth - 2 * margin) / contentWidth, (stageHeight - 2 * margin) / contentHeight);
    this.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
    this.x = (stageWidth - contentWidth * this.scale) / 2;
    this.y = (stageHeight - contentHeight * this.scale) / 2;
    this.autoFit = true;
  }

  /** Zooms by `factor` keeping the content point under (px, py) fixed on screen. */
  zoomAt(px: number, py: number, factor: number): void {
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    const cx = (px - this.x) / this.scale;
    const cy = (py - this.y) / this.scale;
    this.scale = next;
    this.x = px - cx * next;
    this.y = py - cy * next;
    this.autoFit = false;
  }

  moveTo(x: number, y: number): void {
    this.x = x;
    this.y = y;
    this.autoFit = false;
  }

  /** Screen point → content (image pixel) coordinates. */
  toContent(px: number, py: number): { x: number; y: number } {
    return { x: (px - this.x) / this.scale, y: (py - this.y) / this.scale };
  }
}
