/** Writers for the content-addressed catalogue: images, prompts and model bundles. */
import type { WritableDB } from '../db-types';
import { nowIso } from '../db-types';
import type { PreparedImage } from '../images/ingest';

/** Inserts an image and its bytes; returns false when that sha256 was already stored. */
export function insertImage(db: WritableDB, image: PreparedImage): boolean {
  return db.transaction(() => {
    const inserted = db
      .prepare(
        `INSERT INTO images (sha256, name, format, byte_size, width, height, thumbnail, thumbnail_format, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
      )
      .run(image.sha256, image.name, image.format, image.byteSize, image.width, image.height, image.thumbnail, image.thumbnailFormat, nowIso());
    if (inserted.changes === 0) return false;
    db.prepare('INSERT INTO image_blobs (sha256, data) VALUES (?, ?)').run(image.sha256, image.bytes);
    return true;
  })();
}

/** The prompt's id, inserting the text on first use (prompts are shared between runs). */
export function upsertPrompt(db: WritableDB, text: string): number {
  db.prepare('INSERT INTO prompts (text, created_at) VALUES (?, ?) ON CONFLICT (text) DO NOTHING').run(text, nowIso());
  return (db.prepare('SELECT id FROM prompts WHERE text = ?').get(text) as { id: number }).id;
}

export interface ModelInput {
  sha256: string;
  name: string;
  manifest: unknown;
}

/** Registers a model bundle by its sha256; returns false when it was already registered. */
export function upsertModel(db: WritableDB, model: ModelInput): boolean {
  const result = db
    .prepare('INSERT INTO models (sha256, name, manifest_json, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING')
    .run(model.sha256, model.name, JSON.stringify(model.manifest), nowIso());
  return result.changes > 0;
}
