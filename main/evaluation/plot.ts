/**
 * Line plots of the perturbation curves (one PNG per direction, one line per method): an SVG
 * string with axes, ticks and a legend, rasterised by sharp (librsvg). No plotting dependency.
 */
import sharp from 'sharp';
import { ratioAxis } from '../../shared/chart/ratio-axis';

export interface Series {
  readonly name: string;
  readonly y: readonly number[];
}

export interface LinePlot {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: readonly number[];
  readonly series: readonly Series[];
}

const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#7f7f7f', '#9467bd', '#ff7f0e'];
const W = 720;
const H = 420;
const M = { left: 70, right: 230, top: 40, bottom: 55 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function linePlotSvg(plot: LinePlot): string {
  const axis = ratioAxis(plot.series.flatMap((s) => s.y));
  const x0 = Math.min(...plot.x);
  const x1 = Math.max(...plot.x);
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - axis.fraction(y) * (H - M.top - M.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - M.right / 2 + M.left / 2}" y="22" text-anchor="middle" font-size="15">${esc(plot.title)}</text>`,
  ];
  for (const t of axis.ticks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${M.left - 6}" y="${py(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const x of plot.x) parts.push(`<text x="${px(x)}" y="${H - M.bottom + 18}" text-anchor="middle">${x}</text>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="black"/>`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="black"/>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">${esc(plot.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(plot.yLabel)}${axis.scale === 'log' ? ' (log scale)' : ''}</text>`);
  plot.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const points = plot.x.flatMap((x, k) => (Number.isFinite(s.y[k]) ? [`${px(x).toFixed(1)},${py(s.y[k] as number).toFixed(1)}`] : []));
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const p of points) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${colour}"/>`);
    const ly = M.top + 10 + i * 20;
    parts.push(`<line x1="${W - M.right + 15}" x2="${W - M.right + 40}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<text x="${W - M.right + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export async function writeLinePlotPng(plot: LinePlot, path: string): Promise<void> {
  await sharp(Buffer.from(linePlotSvg(plot))).png().toFile(path);
}
