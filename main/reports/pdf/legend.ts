/** The colour-scale legend: the overlay's colormap as a bar with its value range and settings. */
import sharp from 'sharp';
import { COLORMAPS, colormapLut } from '../../../shared/heatmap/colormap';
import type { ParsedReportCase } from '../types';
import { FONT } from './fonts';
import { INK, type Doc } from './layout';

/** 256×1 PNG of the colormap: stretched by the viewer into the bar. */
export async function colormapBarPng(name: ParsedReportCase['style']['colormap']): Promise<Buffer> {
  const lut = colormapLut(name);
  return sharp(Buffer.from(lut), { raw: { width: 256, height: 1, channels: 3 } }).png().toBuffer();
}

export function drawLegend(doc: Doc, c: ParsedReportCase, bar: Buffer, x: number, y: number): number {
  const barWidth = 170;
  const barHeight = 9;
  const [lo, hi] = c.style.range;
  doc.font(FONT.regular).fontSize(8).fillColor(INK.muted);
  doc.text(format(lo), x, y + 1, { lineBreak: false });
  const barX = x + doc.widthOfString(format(lo)) + 5;
  doc.image(bar, barX, y, { width: barWidth, height: barHeight });
  doc.rect(barX, y, barWidth, barHeight).lineWidth(0.4).strokeColor(INK.rule).stroke();
  doc.text(format(hi), barX + barWidth + 5, y + 1, { lineBreak: false });
  const after = barX + barWidth + 10 + doc.widthOfString(format(hi));
  const settings = `${c.overlay.label} · ${COLORMAPS[c.style.colormap].label} · opacity ${format(c.style.opacity)} · threshold ${format(c.style.threshold)}`;
  doc.text(settings, after + 8, y + 1, { width: doc.page.width - doc.page.margins.right - after - 8, lineBreak: true });
  return Math.max(doc.y, y + barHeight + 4);
}

function format(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
