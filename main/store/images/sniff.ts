/**
 * Format and pixel dimensions from an image's first bytes, without decoding. This is what lets
 * the store refuse a PNG whose header claims 30000×30000 before any decoder allocates for it.
 */
import type { ImageFormat } from '../types';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Why a header could not be read; null result means "not a format we support". */
export class HeaderError extends Error {}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sniffImage(bytes: Buffer): ImageHeader | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return png(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpeg(bytes);
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return webp(bytes);
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6))) return gif(bytes);
  return null;
}

function need(bytes: Buffer, length: number, format: string): void {
  if (bytes.length < length) throw new HeaderError(`${format} header is truncated (${bytes.length} bytes, need at least ${length})`);
}

function png(bytes: Buffer): ImageHeader {
  need(bytes, 24, 'PNG');
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new HeaderError('PNG does not start with an IHDR chunk');
  return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function jpeg(bytes: Buffer): ImageHeader {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new HeaderError(`JPEG marker expected at byte ${at}, found 0x${(bytes[at] ?? 0).toString(16)}`);
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      need(bytes, at + 9, 'JPEG');
      return { format: 'jpeg', height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + length;
  }
  throw new HeaderError('JPEG has no frame header (SOF) before the image data');
}

function webp(bytes: Buffer): ImageHeader {
  need(bytes, 30, 'WebP');
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') return { format: 'webp', width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = bytes.readUInt32LE(21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { format: 'webp', width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  throw new HeaderError(`WebP chunk '${chunk}' is not VP8, VP8L or VP8X`);
}

function gif(bytes: Buffer): ImageHeader {
  need(bytes, 10, 'GIF');
  return { format: 'gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
}
