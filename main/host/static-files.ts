/** Serves the built renderer read-only, refusing any path that escapes its folder. */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** Maps a URL path to a file under `root`; `/` is index.html. Returns undefined when absent. */
export async function loadStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const target = resolve(base, `.${decoded === '/' ? '/index.html' : decoded}`);
  if (target !== base && !target.startsWith(base + sep)) return undefined;
  try {
    if (!(await stat(target)).isFile()) return undefined;
    return { body: await readFile(target), contentType: CONTENT_TYPES[extname(target)] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}

/**
 * Content the hosts serve beside the renderer (e.g. thumbnails by hash). Answers undefined for
 * paths it does not own. Content-addressed, so responses may be cached for good.
 */
export type BlobSource = (urlPath: string) => Promise<StaticFile | undefined>;
