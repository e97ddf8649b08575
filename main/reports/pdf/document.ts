/**
 * renderReportPdf: a cover, for a comparison the runs side by side, then one section per case.
 * Deterministic — pdfkit's CreationDate, ModDate and file ID all derive from meta.date, fonts are
 * subset by glyph order, and every image is encoded by the same sharp pipeline — so equal inputs
 * give equal bytes. Galleries report progress per case and can be cancelled between cases.
 */
import PDFDocument from 'pdfkit';
import { DexarError } from '../../../shared/api/envelope';
import type { RgbImage } from '../../engine/image/resample';
import { annotatedImage, rawImage, redactedImage } from '../annotated';
import type { ReportCase, ReportMeta } from '../types';
import { parseReportCase, parseReportMeta } from '../validate';
import { drawCase } from './case-page';
import { drawComparison, sharedPeak } from './comparison-page';
import { drawContentsPages, drawCover } from './cover';
import { FONT, registerFonts } from './fonts';
import { drawPageMarks, PAGE, type PageMarks } from './layout';
import { colormapBarPng } from './legend';

export interface ReportProgress {
  /** Cases finished so far. */
  done: number;
  total: number;
  /** Title of the case just finished. */
  caseTitle: string;
}

export interface RenderReportOptions {
  onProgress?: (progress: ReportProgress) => void;
  signal?: AbortSignal;
}

function throwIfCancelled(signal: AbortSignal | undefined, done: number, total: number): void {
  if (signal?.aborted) throw new DexarError('cancelled', `report cancelled after ${done} of ${total} cases`);
}

export async function renderReportPdf(metaInput: ReportMeta, caseInputs: readonly ReportCase[], options: RenderReportOptions = {}): Promise<Buffer> {
  const meta = parseReportMeta(metaInput);
  const cases = caseInputs.map(parseReportCase);
  if (cases.length === 0) throw new DexarError('validation', 'report: expected at least one case, found none');
  throwIfCancelled(options.signal, 0, cases.length);

  const doc = new PDFDocument({
    size: PAGE.size,
    margin: PAGE.margin,
    autoFirstPage: false,
    bufferPages: true,
    info: { Title: meta.title, Subject: `DEX-AR report — ${meta.projectName}`, Creator: 'DEX-AR Workstation', Producer: 'DEX-AR Workstation (pdfkit)', CreationDate: meta.date, ModDate: meta.date },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  registerFonts(doc);
  const marks: PageMarks[] = [];
  let current: PageMarks = { caseTitle: null, first: true };
  doc.on('pageAdded', () => {
    marks.push(current);
    current = { ...current, first: false };
  });

  doc.addPage();
  doc.font(FONT.regular);
  const contentsLines = drawCover(doc, meta, cases);
  const annotatedPng = async (c: (typeof cases)[number], base: RgbImage) => rawImage(await annotatedImage(c, base)).png({ compressionLevel: 6 }).toBuffer();
  // A comparison shades every answer on one δ scale so equal shades mean equal δ across runs.
  // Its side-by-side images are kept as PNGs (small) for the runs' own pages; the decoded images
  // are not, so a long comparison holds one full-size image at a time.
  let peak: number | undefined;
  const pngs: Buffer[] = [];
  if (meta.comparison) {
    peak = sharedPeak(cases);
    for (const c of cases) {
      throwIfCancelled(options.signal, 0, cases.length);
      pngs.push(await annotatedPng(c, await redactedImage(c)));
    }
    current = { caseTitle: 'Side by side', first: true };
    doc.addPage();
    drawComparison(doc, cases, pngs, peak);
  }
  const firstPages: number[] = [];
  for (const [i, c] of cases.entries()) {
    throwIfCancelled(options.signal, i, cases.length);
    const base = await redactedImage(c);
    const png = pngs[i] ?? (await annotatedPng(c, base));
    const colourBar = await colormapBarPng(c.style.colormap);
    throwIfCancelled(options.signal, i, cases.length);
    current = { caseTitle: c.title, first: true };
    doc.addPage();
    firstPages.push(marks.length - 1);
    await drawCase(doc, c, `case ${i + 1} of ${cases.length}`, { annotatedPng: png, base, colourBar }, peak);
    options.onProgress?.({ done: i + 1, total: cases.length, caseTitle: c.title });
  }
  drawContentsPages(doc, contentsLines, firstPages);
  drawPageMarks(doc, marks, `${meta.title} · ${meta.projectName}`);
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
