/** Imports files, folders and dropped bytes into the open project, collecting one report. */
import { thumbnailUrl, type ImageSummary, type ImportReport } from '../../shared/api/library';
import type { ImageRecord, Project } from '../store';
import { checkedPath, imagesInFolder, isDirectory } from './file-browser';

export function imageSummary(image: ImageRecord): ImageSummary {
  return { sha256: image.sha256, name: image.name, format: image.format, width: image.width, height: image.height, byteSize: image.byteSize, thumbnail: thumbnailUrl(image.sha256) };
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
      else report.imported.push(imageSummary(result.image));
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
    else report.imported.push(imageSummary(result.image));
  } catch (err) {
    report.failures.push({ path: name, message: message(err) });
  }
  return report;
}
