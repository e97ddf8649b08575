/**
 * A project: one `.dexar` SQLite file. The Project object is the store's only public surface;
 * it owns the connection and hands it to readers (ReadableDB) and writers (WritableDB).
 * Everything is synchronous except image import, which decodes with sharp off the JS thread.
 */
import { basename, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { openProjectDatabase, type OpenOptions } from './connection';
import type { ReadableDB, WritableDB } from './db-types';
import { DEFAULT_IMAGE_LIMITS, prepareImage, readImageFile, sha256Hex, type ImageLimits } from './images/ingest';
import * as annotationReads from './read/annotations';
import * as catalogReads from './read/catalog';
import * as evalRunReads from './read/eval-runs';
import * as galleryReads from './read/galleries';
import { queryGallery } from './read/gallery';
import * as runReads from './read/runs';
import * as annotationWrites from './write/annotations';
import * as catalogWrites from './write/catalog';
import * as evalRunWrites from './write/eval-runs';
import { exportSelection, type ExportResult, type ExportSelection } from './write/export';
import * as galleryWrites from './write/galleries';
import * as runWrites from './write/runs';
import type { MetricsDocument } from '../../shared/api/evaluation';
import type { AnnotationInput, GalleryFilter, GalleryQuery, ImageRecord, ModelRecord, PromptRecord, RunDetail, RunSummary, HeatmapKind, StoredHeatmap } from './types';

export interface ImportResult {
  image: ImageRecord;
  /** True when the same bytes were already in the project (nothing new was written). */
  deduplicated: boolean;
}

export class Project {
  readonly #db: WritableDB;

  private constructor(
    readonly path: string,
    db: Database.Database,
  ) {
    this.#db = db as WritableDB;
  }

  /** Opens (or with {create: true} creates) a project file; see connection.ts for the checks. */
  static open(path: string, options: OpenOptions = {}): Project {
    const file = resolve(path);
    return new Project(file, openProjectDatabase(file, options));
  }

  private get reader(): ReadableDB {
    return this.#db;
  }

  get schemaVersion(): number {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** Folds the WAL into the main file (e.g. before copying the file or measuring its size). */
  checkpoint(): void {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** `PRAGMA integrity_check` lines; ['ok'] when healthy. */
  integrityCheck(): string[] {
    return (this.#db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  // Images ---------------------------------------------------------------------------------

  /** Imports an image file (never modified); identical bytes are stored once. */
  async importImage(path: string, options: { name?: string; limits?: ImageLimits } = {}): Promise<ImportResult> {
    const bytes = await readImageFile(path, options.limits ?? DEFAULT_IMAGE_LIMITS);
    return this.importImageBytes(bytes, options.name ?? basename(path), path, options.limits);
  }

  async importImageBytes(bytes: Buffer, name: string, source = name, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<ImportResult> {
    const existing = catalogReads.getImage(this.reader, sha256Hex(bytes));
    if (existing) return { image: existing, deduplicated: true };
    const prepared = await prepareImage(bytes, name, source, limits);
    const inserted = catalogWrites.insertImage(this.#db, prepared);
    return { image: catalogReads.getImage(this.reader, prepared.sha256) as ImageRecord, deduplicated: !inserted };
  }

  getImage(sha256: string): ImageRecord | undefined {
    return catalogReads.getImage(this.reader, sha256);
  }
  countImages(): number {
    return catalogReads.countImages(this.reader);
  }
  countRuns(): number {
    return catalogReads.countRuns(this.reader);
  }

  /** Remembers a prompt for the prompt box (runs add theirs on save); returns its id. */
  addPrompt(text: string): number {
    return catalogWrites.upsertPrompt(this.#db, text);
  }
  listPrompts(limit?: number): PromptRecord[] {
    return catalogReads.listPrompts(this.reader, limit);
  }
  listImages(limit?: number, offset?: number): ImageRecord[] {
    return catalogReads.listImages(this.reader, limit, offset);
  }
  getImageBytes(sha256: string): Buffer | undefined {
    return catalogReads.getImageBytes(this.reader, sha256);
  }
  getThumbnail(sha256: string): { format: string; data: Buffer } | undefined {
    return catalogReads.getThumbnail(this.reader, sha256);
  }

  // Models ---------------------------------------------------------------------------------

  addModel(model: catalogWrites.ModelInput): ModelRecord {
    catalogWrites.upsertModel(this.#db, model);
    return catalogReads.getModel(this.reader, model.sha256) as ModelRecord;
  }
  getModel(sha256: string): ModelRecord | undefined {
    return catalogReads.getModel(this.reader, sha256);
  }
  listModels(): ModelRecord[] {
    return catalogReads.listModels(this.reader);
  }

  // Runs -----------------------------------------------------------------------------------

  /** Saves a run with its tokens and heatmaps atomically; returns its id. */
  saveRun(input: runWrites.SaveRunInput): number {
    return runWrites.saveRun(this.#db, input);
  }
  getRun(runId: number, options: { details?: boolean } = {}): RunDetail | undefined {
    return runReads.getRun(this.reader, runId, options);
  }
  getHeatmapWithDetails(runId: number, kind: HeatmapKind, tokenIndex: number | null): StoredHeatmap | undefined {
    return runReads.getHeatmapWithDetails(this.reader, runId, kind, tokenIndex);
  }
  listRunsForImage(imageSha: string, limit?: number): RunSummary[] {
    return runReads.listRunsForImage(this.reader, imageSha, limit);
  }
  deleteRun(runId: number): boolean {
    return runWrites.deleteRun(this.#db, runId);
  }

  /** The stored complete run for this image, prompt, model and settings: callers skip inference. */
  findCachedRun(imageSha: string, promptText: string, modelSha: string, settings: unknown): RunDetail | undefined {
    const id = runReads.findCachedRunId(this.reader, { imageSha, promptText, modelSha, settings });
    return id === undefined ? undefined : runReads.getRun(this.reader, id);
  }

  queryGallery(query: GalleryQuery = {}) {
    return queryGallery(this.reader, query);
  }

  // Annotations and edited layers ------------------------------------------------------------

  addAnnotation(input: AnnotationInput): number {
    return annotationWrites.addAnnotation(this.#db, input);
  }
  updateAnnotation(id: number, input: AnnotationInput): void {
    annotationWrites.updateAnnotation(this.#db, id, input);
  }
  deleteAnnotation(id: number): boolean {
    return annotationWrites.deleteAnnotation(this.#db, id);
  }
  listAnnotations(runId: number) {
    return annotationReads.listAnnotations(this.reader, runId);
  }
  saveEditedLayer(input: annotationWrites.EditedLayerInput): number {
    return annotationWrites.saveEditedLayer(this.#db, input);
  }
  updateEditedLayerValues(id: number, values: ArrayLike<number>): void {
    annotationWrites.updateEditedLayerValues(this.#db, id, values);
  }
  deleteEditedLayer(id: number): boolean {
    return annotationWrites.deleteEditedLayer(this.#db, id);
  }
  listEditedLayers(runId: number) {
    return annotationReads.listEditedLayers(this.reader, runId);
  }

  // Galleries and exports ----------------------------------------------------------------------

  createGallery(name: string, filter: GalleryFilter = {}): number {
    return galleryWrites.createGallery(this.#db, name, filter);
  }
  updateGallery(galleryId: number, filter: GalleryFilter, name?: string): void {
    galleryWrites.updateGallery(this.#db, galleryId, filter, name);
  }
  pinRun(galleryId: number, runId: number): void {
    galleryWrites.pinRun(this.#db, galleryId, runId);
  }
  unpinRun(galleryId: number, runId: number): boolean {
    return galleryWrites.unpinRun(this.#db, galleryId, runId);
  }
  deleteGallery(galleryId: number): boolean {
    return galleryWrites.deleteGallery(this.#db, galleryId);
  }
  getGallery(galleryId: number) {
    return galleryReads.getGallery(this.reader, galleryId);
  }
  listGalleries() {
    return galleryReads.listGalleries(this.reader);
  }

  /** Writes the selection to a new project file (atomically) and logs the export here. */
  exportSelection(selection: ExportSelection, destination: string, options: { overwrite?: boolean } = {}): ExportResult {
    const result = exportSelection(this.#db, selection, destination, options);
    galleryWrites.logReportExport(this.#db, { format: 'project', path: result.path, runIds: result.runIds, galleryId: selection.galleryId ?? null, redacted: false });
    return result;
  }
  logReportExport(entry: galleryWrites.ReportExportInput): number {
    return galleryWrites.logReportExport(this.#db, entry);
  }
  listReportExports() {
    return galleryReads.listReportExports(this.reader);
  }

  // ----- evaluation runs (`dexar eval --project`)
  /** Saves a metrics.json document; the same run saved again (after a resume) replaces its row. */
  saveEvalRun(doc: MetricsDocument): number {
    return evalRunWrites.saveEvalRun(this.#db, doc);
  }
  listEvalRuns() {
    return evalRunReads.listEvalRuns(this.reader);
  }
  getEvalRun(id: number) {
    return evalRunReads.getEvalRun(this.reader, id);
  }
}

/** Opens or creates a project file: `openProject(path, {create: true})`. */
export function openProject(path: string, options: OpenOptions = {}): Project {
  return Project.open(path, options);
}
