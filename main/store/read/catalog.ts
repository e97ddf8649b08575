/** Readers for images, prompts and models. */
import type { ReadableDB } from '../db-types';
import type { ImageFormat, ImageRecord, ModelRecord, PromptRecord } from '../types';

interface ImageRow {
  sha256: string;
  name: string;
  format: ImageFormat;
  byte_size: number;
  width: number;
  height: number;
  imported_at: string;
}

const IMAGE_COLUMNS = 'sha256, name, format, byte_size, width, height, imported_at';

function toImage(row: ImageRow): ImageRecord {
  return { sha256: row.sha256, name: row.name, format: row.format, byteSize: row.byte_size, width: row.width, height: row.height, importedAt: row.imported_at };
}

export function getImage(db: ReadableDB, sha256: string): ImageRecord | undefined {
  const row = db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE sha256 = ?`).get(sha256) as ImageRow | undefined;
  return row && toImage(row);
}

export function listImages(db: ReadableDB, limit = 100, offset = 0): ImageRecord[] {
  const rows = db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images ORDER BY imported_at, sha256 LIMIT ? OFFSET ?`).all(limit, offset) as ImageRow[];
  return rows.map(toImage);
}

/** The original bytes exactly as imported. */
export function getImageBytes(db: ReadableDB, sha256: string): Buffer | undefined {
  return (db.prepare('SELECT data FROM image_blobs WHERE sha256 = ?').get(sha256) as { data: Buffer } | undefined)?.data;
}

export function getThumbnail(db: ReadableDB, sha256: string): { format: string; data: Buffer } | undefined {
  const row = db.prepare('SELECT thumbnail, thumbnail_format FROM images WHERE sha256 = ?').get(sha256) as { thumbnail: Buffer; thumbnail_format: string } | undefined;
  return row && { format: row.thumbnail_format, data: row.thumbnail };
}

export function imageExists(db: ReadableDB, sha256: string): boolean {
  return db.prepare('SELECT 1 FROM images WHERE sha256 = ?').get(sha256) !== undefined;
}

export function getModel(db: ReadableDB, sha256: string): ModelRecord | undefined {
  const row = db.prepare('SELECT sha256, name, manifest_json, added_at FROM models WHERE sha256 = ?').get(sha256) as
    | { sha256: string; name: string; manifest_json: string; added_at: string }
    | undefined;
  return row && { sha256: row.sha256, name: row.name, manifest: JSON.parse(row.manifest_json) as unknown, addedAt: row.added_at };
}

export function listModels(db: ReadableDB): ModelRecord[] {
  const rows = db.prepare('SELECT sha256 FROM models ORDER BY added_at, sha256').all() as { sha256: string }[];
  return rows.map((row) => getModel(db, row.sha256) as ModelRecord);
}

export function getPrompt(db: ReadableDB, id: number): PromptRecord | undefined {
  const row = db.prepare('SELECT id, text, created_at FROM prompts WHERE id = ?').get(id) as { id: number; text: string; created_at: string } | undefined;
  return row && { id: row.id, text: row.text, createdAt: row.created_at };
}

export function countImages(db: ReadableDB): number {
  return (db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n;
}

export function countRuns(db: ReadableDB): number {
  return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
}

/** Prompts, most recently added first (the prompt box offers them). */
export function listPrompts(db: ReadableDB, limit = 200): PromptRecord[] {
  const rows = db.prepare('SELECT id, text, created_at FROM prompts ORDER BY id DESC LIMIT ?').all(limit) as { id: number; text: string; created_at: string }[];
  return rows.map((row) => ({ id: row.id, text: row.text, createdAt: row.created_at }));
}
