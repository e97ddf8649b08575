/**
 * Exporting a selection of runs (explicit ids and/or a gallery) into a new project file with
 * everything they reference: images (bytes and thumbnails), prompts, models, tokens, heatmaps,
 * annotations, edited layers and the gallery itself. The copy is built in a temporary file next
 * to the destination and renamed into place, so the destination is either complete or absent.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { openProjectDatabase, openSqlite } from '../connection';
import type { WritableDB } from '../db-types';
import { StoreInputError, StoreNotFoundError } from '../errors';
import { getGallery } from '../read/galleries';
import { matchingRunIds } from '../read/gallery';

export interface ExportSelection {
  runIds?: number[];
  /** Exports the gallery's pinned runs and every run matching its saved filter. */
  galleryId?: number;
}

export interface ExportResult {
  path: string;
  runIds: number[];
  images: number;
  models: number;
  prompts: number;
  bytes: number;
}

const DEST = 'export_dest';

function resolveRunIds(db: WritableDB, selection: ExportSelection): number[] {
  const ids = new Set(selection.runIds ?? []);
  if (selection.galleryId !== undefined) {
    const gallery = getGallery(db, selection.galleryId);
    if (!gallery) throw new StoreNotFoundError('gallery', selection.galleryId);
    for (const id of gallery.pinnedRunIds) ids.add(id);
    for (const id of matchingRunIds(db, gallery.filter)) ids.add(id);
  }
  const exists = db.prepare('SELECT 1 FROM runs WHERE id = ?');
  for (const id of ids) if (!exists.get(id)) throw new StoreNotFoundError('run', id);
  if (ids.size === 0) throw new StoreInputError('export: the selection holds no runs');
  return [...ids].sort((a, b) => a - b);
}

/** INSERT … SELECT with the destination's column list, so column order never matters. */
function copy(db: WritableDB, table: string, where: string, ...params: unknown[]): number {
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(table, DEST) as { name: string }[]).map((c) => `"${c.name}"`).join(', ');
  return db.prepare(`INSERT INTO ${DEST}.${table} (${columns}) SELECT ${columns} FROM main.${table} WHERE ${where}`).run(...params).changes;
}

function removeTemp(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function exportSelection(db: WritableDB, selection: ExportSelection, destination: string, options: { overwrite?: boolean } = {}): ExportResult {
  const dest = resolve(destination);
  if (existsSync(dest) && !options.overwrite) throw new StoreInputError(`export: ${dest} already exists (choose another name or allow overwrite)`);
  if (!existsSync(dirname(dest))) throw new StoreInputError(`export: the folder ${dirname(dest)} does not exist`);
  const runIds = resolveRunIds(db, selection);
  const temp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let attached = false;
  try {
    openProjectDatabase(temp, { create: true }).close();
    db.prepare(`ATTACH DATABASE ? AS ${DEST}`).run(temp);
    attached = true;
    // One self-contained file for carrying across an air gap; openProject turns WAL back on.
    db.pragma(`${DEST}.journal_mode = DELETE`);
    const ids = JSON.stringify(runIds);
    const counts = db.transaction(() => {
      const runs = 'SELECT value FROM json_each(?)';
      const images = copy(db, 'images', `sha256 IN (SELECT image_sha FROM main.runs WHERE id IN (${runs}))`, ids);
      copy(db, 'image_blobs', `sha256 IN (SELECT image_sha FROM main.runs WHERE id IN (${runs}))`, ids);
      const prompts = copy(db, 'prompts', `id IN (SELECT prompt_id FROM main.runs WHERE id IN (${runs}))`, ids);
      const models = copy(db, 'models', `sha256 IN (SELECT model_sha FROM main.runs WHERE id IN (${runs}))`, ids);
      copy(db, 'runs', `id IN (${runs})`, ids);
      copy(db, 'tokens', `run_id IN (${runs})`, ids);
      copy(db, 'heatmaps', `run_id IN (${runs})`, ids);
      copy(db, 'heatmap_details', `heatmap_id IN (SELECT id FROM main.heatmaps WHERE run_id IN (${runs}))`, ids);
      copy(db, 'annotations', `run_id IN (${runs})`, ids);
      copy(db, 'annotation_regions', `annotation_id IN (SELECT id FROM main.annotations WHERE run_id IN (${runs}))`, ids);
      copy(db, 'edited_layers', `run_id IN (${runs})`, ids);
      if (selection.galleryId !== undefined) {
        copy(db, 'galleries', 'id = ?', selection.galleryId);
        copy(db, 'gallery_items', `gallery_id = ? AND run_id IN (${runs})`, selection.galleryId, ids);
      }
      const broken = db.pragma(`${DEST}.foreign_key_check`) as unknown[];
      if (broken.length > 0) throw new Error(`export: the copy has ${broken.length} dangling references`);
      return { images, prompts, models };
    })();
    db.exec(`DETACH DATABASE ${DEST}`);
    attached = false;
    const check = openSqlite(temp, { readonly: true, fileMustExist: true });
    try {
      const result = check.pragma('integrity_check', { simple: true });
      if (result !== 'ok') throw new Error(`export: integrity_check of the new file reported ${String(result)}`);
    } finally {
      check.close();
    }
    fsyncPath(temp);
    renameSync(temp, dest);
    fsyncPath(dirname(dest));
    return { path: dest, runIds, ...counts, bytes: statSync(dest).size };
  } catch (err) {
    if (attached) db.exec(`DETACH DATABASE ${DEST}`);
    removeTemp(temp);
    throw err;
  }
}
