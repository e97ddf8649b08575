/** The project store's public API (plain Node; no Electron). */
export { openProject, Project, type ImportResult } from './project';
export type { OpenOptions } from './connection';
export { LATEST_SCHEMA_VERSION } from './migrations/index';
export { canonicalJson } from './canonical-json';
export { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './images/ingest';
export type { SaveRunInput, HeatmapInput } from './write/runs';
export type { ExportSelection, ExportResult } from './write/export';
export type { ModelInput } from './write/catalog';
export type { EditedLayerInput } from './write/annotations';
export type { ReportExportInput } from './write/galleries';
export * from './errors';
export * from './types';
