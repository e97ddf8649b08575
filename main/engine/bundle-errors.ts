/** Typed bundle failures: each says what was expected and what was found (STYLE 6). */
import { DexarError } from '../../shared/api/envelope';
import { SUPPORTED_FORMAT_VERSION } from './manifest';

export class BundleNotFoundError extends DexarError {
  constructor(readonly path: string, found: string) {
    super('not-found', `bundle ${path}: expected a folder with manifest.json, found ${found}`, 'BundleNotFoundError');
  }
}

export class BundleFileMissingError extends DexarError {
  constructor(readonly file: string, readonly path: string) {
    super('not-found', `bundle ${path}: expected file ${file} listed in manifest.json, found none`, 'BundleFileMissingError');
  }
}

export class BundleTamperedError extends DexarError {
  constructor(readonly file: string, expected: string, found: string) {
    super('validation', `bundle file ${file}: expected ${expected}, found ${found} (modified or corrupt; re-export the bundle)`, 'BundleTamperedError');
  }
}

export class UnsupportedBundleVersionError extends DexarError {
  constructor(found: string) {
    super('unsupported', `bundle manifest: expected format "dexar-bundle" version ${SUPPORTED_FORMAT_VERSION}, found ${found}; use an app version that reads it or re-export`, 'UnsupportedBundleVersionError');
  }
}

export class InvalidManifestError extends DexarError {
  constructor(problems: string) {
    super('validation', `bundle manifest: does not match shared/schemas/bundle-manifest.schema.json: ${problems}`, 'InvalidManifestError');
  }
}

export class UnsupportedFamilyError extends DexarError {
  constructor(found: string, known: readonly string[]) {
    super('unsupported', `bundle family: expected one of ${known.join(', ')}, found ${found}`, 'UnsupportedFamilyError');
  }
}
