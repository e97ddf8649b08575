/**
 * Directory listings for the in-app file browser. Only names, kinds and sizes leave this module;
 * nothing is read or written. Paths must be absolute: the UI never names files relative to the
 * host process's working directory.
 */
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { DirectoryListing } from '../../shared/api/library';
import { DexarError } from '../../shared/api/envelope';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif']);
export const PROJECT_EXTENSION = '.dexar';

export type ListFilter = 'images' | 'projects' | 'all';

/** An absolute, normalised path from the UI, or a clear refusal. */
export function checkedPath(raw: string): string {
  if (!isAbsolute(raw)) throw new DexarError('validation', `expected an absolute path, got ${JSON.stringify(raw)}`, 'PathError');
  return resolve(raw);
}

function wanted(name: string, filter: ListFilter): boolean {
  const ext = extname(name).toLowerCase();
  if (filter === 'images') return IMAGE_EXTENSIONS.has(ext);
  if (filter === 'projects') return ext === PROJECT_EXTENSION;
  return true;
}

export async function listDirectory(rawPath: string | undefined, filter: ListFilter): Promise<DirectoryListing> {
  const path = rawPath === undefined ? homedir() : checkedPath(rawPath);
  let names: string[];
  try {
    names = await readdir(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DexarError(code === 'ENOENT' ? 'not-found' : 'validation', `cannot list ${path}: ${code === 'ENOTDIR' ? 'not a folder' : (code ?? String(err))}`, 'PathError');
  }
  const entries: DirectoryListing['entries'] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const full = join(path, name);
    const info = await stat(full).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) entries.push({ name, path: full, kind: 'directory', size: 0 });
    else if (info.isFile() && wanted(name, filter)) entries.push({ name, path: full, kind: 'file', size: info.size });
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'directory' ? -1 : 1));
  const parent = dirname(path);
  return { path, parent: parent === path ? null : parent, entries };
}

/** Image files under a folder, sorted; sub-folders only when `recursive`. */
export async function imagesInFolder(folder: string, recursive: boolean): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory() && recursive) await walk(full);
      else if (entry.isFile() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) found.push(full);
    }
  };
  await walk(folder);
  return found;
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
