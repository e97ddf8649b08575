/**
 * Turning untrusted bytes into an importable image: size limits, header sniffing (refuse absurd
 * dimensions before decoding), a full decode (catches truncation and corruption) that also
 * makes the WebP thumbnail, and the content hash. Source files are only ever read.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import { ImageRejectedError } from '../errors';
import type { ImageFormat } from '../types';
import { HeaderError, sniffImage } from './sniff';

export interface ImageLimits {
  /** Largest accepted file in bytes. */
  maxBytes: number;
  /** Largest accepted width·height. */
  maxPixels: number;
  /** Largest accepted width or height. */
  maxSide: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 256 * 1024 * 1024, maxPixels: 100_000_000, maxSide: 16384 };

/** Longest side of a stored thumbnail, in pixels. */
export const THUMBNAIL_SIDE = 256;

export interface PreparedImage {
  sha256: string;
  name: string;
  format: ImageFormat;
  byteSize: number;
  width: number;
  height: number;
  bytes: Buffer;
  thumbnail: Buffer;
  thumbnailFormat: 'webp';
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a file for import, refusing non-files, empty and oversized files before reading them. */
export async function readImageFile(path: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImageRejectedError(path, 'it is not a regular file');
    size = info.size;
  } catch (err) {
    if (err instanceof ImageRejectedError) throw err;
    throw new ImageRejectedError(path, `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (size === 0) throw new ImageRejectedError(path, 'the file is empty (0 bytes)');
  if (size > limits.maxBytes) throw new ImageRejectedError(path, `the file is ${size} bytes; the limit is ${limits.maxBytes}`);
  return readFile(path);
}

/** Checks format and header dimensions only (cheap); throws ImageRejectedError. */
export function checkImageHeader(bytes: Buffer, source: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): { format: ImageFormat; width: number; height: number } {
  if (bytes.length === 0) throw new ImageRejectedError(source, 'the file is empty (0 bytes)');
  if (bytes.length > limits.maxBytes) throw new ImageRejectedError(source, `the file is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  let header;
  try {
    header = sniffImage(bytes);
  } catch (err) {
    if (err instanceof HeaderError) throw new ImageRejectedError(source, err.message);
    throw err;
  }
  if (header === null) {
    const start = bytes.subarray(0, 8).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    throw new ImageRejectedError(source, `not a supported image (expected PNG, JPEG, WebP or GIF; the file starts "${start}")`);
  }
  const { width, height } = header;
  if (width === 0 || height === 0) throw new ImageRejectedError(source, `the header says ${width}×${height} pixels`);
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw new ImageRejectedError(
      source,
      `the header says ${width}×${height} pixels; the limit is ${limits.maxSide} px per side and ${limits.maxPixels / 1e6} MP (not decoded)`,
    );
  }
  return header;
}

/** Full validation and thumbnail; `name` defaults to the file name for paths. */
export async function prepareImage(bytes: Buffer, name: string, source: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<PreparedImage> {
  const header = checkImageHeader(bytes, source, limits);
  let thumbnail: Buffer;
  // failOn 'warning': libjpeg reports corrupt entropy data only as a warning; an audit image
  // that decodes to garbage must be refused, not silently imported.
  const input = { limitInputPixels: limits.maxPixels, failOn: 'warning' } as const;
  try {
    const meta = await sharp(bytes, input).metadata();
    if (meta.width !== header.width || meta.height !== header.height) {
      throw new ImageRejectedError(source, `the header says ${header.width}×${header.height} but the decoder found ${meta.width}×${meta.height}`);
    }
    thumbnail = await sharp(bytes, input)
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (err) {
    if (err instanceof ImageRejectedError) throw err;
    throw new ImageRejectedError(source, `the ${header.format.toUpperCase()} data is damaged or truncated (${(err as Error).message})`);
  }
  return {
    sha256: sha256Hex(bytes),
    name: name.length > 0 ? name : basename(source),
    format: header.format,
    byteSize: bytes.length,
    width: header.width,
    height: header.height,
    bytes,
    thumbnail,
    thumbnailFormat: 'webp',
  };
}
