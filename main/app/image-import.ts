/** Imports files, folders and dropped bytes into the open project, collecting one report. */
import type { ImageSummary, ImportReport } from '../../shared/api/library';
import type { ImageRecord, Project } from '../store';
import { checkedPath, imagesInFolder, isDirectory } from './file-browser';

/** An image's stored thumbnail as a data: URL (a 1×1 transparent GIF if it has none). */
export function thumbnailUrl(project: Project, sha256: string): string {
  const thumb = project.getThumbnail(sha256);
  return thumb ? `data:image/${thumb.format};base64,${thumb.data.toString('base64')}` : 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
}

export function imageSummary(project: Project, image: ImageRecord): ImageSummary {
  return { sha256: image.sha256, name: image.name, format: image.format, width: image.width, height: image.height, byteSize: image.byteSize, thumbnail: thumbnailUrl(project, image.sha256) };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function importPaths(
  project: Project,
  rawPaths: readonly string[],
  recursive: boolean,
  onProgress: (done: number, total: number) => void,
): Promise<ImportReport> {
  const report: ImportReport = { imported: [], duplicates: [], failures: [] };
  const files: string[] = [];
  for (const raw of rawPaths) {
    try {
      const path = checkedPath(raw);
      if (await isDirectory(path)) files.push(...(await imagesInFolder(path, recursive)));
      else files.push(path);
    } catch (err) {
      report.failures.push({ path: raw, message: message(err) });
    }
  }
  for (const [index, file] of files.entries()) {
    try {
      const result = await project.importImage(file);
      if (result.deduplicated) report.duplicates.push(file);
      else report.imported.push(imageSummary(project, result.image));
    } catch (err) {
      report.failures.push({ path: file, message: message(err) });
    }
    onProgress(index + 1, files.length);
  }
  return report;
}

export async function importUpload(project: Project, name: string, dataBase64: string): Promise<ImportReport> {
  const report: ImportReport = { imported: [], duplicates: [], failures: [] };
  try {
    const result = await project.importImageBytes(Buffer.from(dataBase64, 'base64'), name);
    if (result.deduplicated) report.duplicates.push(name);
    else report.imported.push(imageSummary(project, result.image));
  } catch (err) {
    report.failures.push({ path: name, message: message(err) });
  }
  return report;
}
