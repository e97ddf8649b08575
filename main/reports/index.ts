/** Review-board reports (issue 8): annotated PNG and PDF exports from plain ReportCase data. */
export { renderAnnotatedPng } from './annotated';
export { renderReportPdf, type RenderReportOptions, type ReportProgress } from './pdf/document';
export * from './types';
export { parseReportCase, parseReportMeta } from './validate';
export { caseFromRun, casesFromGallery, galleryRunIds, type FromStoreOptions } from './from-store';
