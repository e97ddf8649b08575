/**
 * Typed failures of the project store. Each says what was expected and what was found, and
 * carries a DexarError kind so it crosses IPC/HTTP in the one envelope shape (STYLE §6).
 */
import { DexarError } from '../../shared/api/envelope';

/** The file is not a DEX-AR project (not SQLite, another app's database, empty). Never modified. */
export class NotAProjectError extends DexarError {
  constructor(readonly path: string, detail: string) {
    super('validation', `${path} is not a DEX-AR project file: ${detail}`, 'NotAProjectError');
  }
}

/** SQLite reported damage (bad header, failed quick_check). The file was left as it was. */
export class CorruptProjectError extends DexarError {
  constructor(readonly path: string, detail: string) {
    super('validation', `${path} is damaged and was not opened (the file was not modified): ${detail}`, 'CorruptProjectError');
  }
}

/** Written by a newer app version: opening would need migrations this build does not know. */
export class NewerProjectVersionError extends DexarError {
  constructor(readonly path: string, readonly fileVersion: number, readonly appVersion: number) {
    super(
      'unsupported',
      `${path} was saved by a newer DEX-AR version (schema ${fileVersion}; this version understands up to ${appVersion}). ` +
        'Update DEX-AR to open it; the file was not modified.',
      'NewerProjectVersionError',
    );
  }
}

/** An image the store refuses to import: unreadable, not an image, damaged or too large. */
export class ImageRejectedError extends DexarError {
  constructor(readonly source: string, detail: string) {
    super('validation', `cannot import image ${source}: ${detail}`, 'ImageRejectedError');
  }
}

/** A referenced row (image, model, run, gallery, …) is not in this project. */
export class StoreNotFoundError extends DexarError {
  constructor(what: string, id: string | number) {
    super('not-found', `${what} ${String(id)} is not in this project`, 'StoreNotFoundError');
  }
}

/** The project file to open does not exist (and the caller did not ask to create it). */
export class ProjectFileMissingError extends DexarError {
  constructor(file: string) {
    super('not-found', `project file ${file} does not exist`, 'ProjectFileMissingError');
  }
}

/** Input to a writer is inconsistent (e.g. a heatmap with gh·gw ≠ values.length). Nothing written. */
export class StoreInputError extends DexarError {
  constructor(message: string) {
    super('validation', message, 'StoreInputError');
  }
}
