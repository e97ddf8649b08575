/** The Node-side implementation of the contract, shared by the Electron and headless hosts. */
import type { HostKind } from '../../shared/api/contract';
import { DexarError } from '../../shared/api/envelope';
import { appInfo } from '../app/info';
import { checkedPath, listDirectory } from '../app/file-browser';
import { exportReport, projectDisplayName } from '../reports/export';
import { imageSummary, importPaths, importUpload } from '../app/image-import';
import { thumbnailUrl } from '../../shared/api/library';
import { listBuiltinModels } from '../app/models';
import type { RunService } from '../app/runs';
import type { Workspace } from '../app/workspace';
import type { Handlers } from './dispatcher';
import type { EventBus } from './events';
import type { Project } from '../store';

export interface ServiceContext {
  host: HostKind;
  workspace: Workspace;
  runs: RunService;
  events: EventBus;
}

export function createHandlers({ host, workspace, runs, events }: ServiceContext): Handlers {
  const project = () => workspace.project();
  return {
    'app.getInfo': () => appInfo(host),

    'project.getCurrent': () => workspace.summary(),
    'project.open': ({ path }) => workspace.open(path),
    'project.create': ({ path }) => workspace.create(path),
    'project.listRecent': () => workspace.recent(),

    'files.list': ({ path, show }) => listDirectory(path, show ?? 'all'),

    'images.list': async ({ offset = 0, limit = 200 }) => {
      const p = await project();
      return { total: p.countImages(), items: p.listImages(limit, offset).map(imageSummary) };
    },
    'images.import': async ({ paths, recursive = false }) => {
      const report = await importPaths(await project(), paths, recursive, (done, total) => events.emit('onDidImportProgress', { done, total }));
      if (report.imported.length > 0) events.emit('onDidChangeProject', await workspace.summary());
      return report;
    },
    'images.upload': async ({ name, dataBase64 }) => {
      const report = await importUpload(await project(), name, dataBase64);
      if (report.imported.length > 0) events.emit('onDidChangeProject', await workspace.summary());
      return report;
    },
    'images.get': async ({ sha256 }) => {
      const p = await project();
      const image = p.getImage(sha256);
      const bytes = p.getImageBytes(sha256);
      if (!image || !bytes) throw new DexarError('not-found', `image ${sha256.slice(0, 12)}… is not in this project`, 'NotFound');
      return { image: imageSummary(image), dataUrl: `data:image/${image.format};base64,${bytes.toString('base64')}` };
    },

    'prompts.list': async () => (await project()).listPrompts().map((p) => p.text),
    'models.list': () => listBuiltinModels(),

    'runs.start': (input) => runs.start(input),
    'runs.cancel': async ({ jobId }) => {
      await runs.cancel(jobId);
      return {};
    },
    'runs.get': ({ runId }) => runs.view(runId),
    'runs.heads': ({ runId, tokenIndex }) => runs.heads(runId, tokenIndex),
    'runs.listForImage': ({ imageSha }) => runs.listForImage(imageSha),

    'annotations.list': async ({ runId }) => (await project()).listAnnotations(runId),
    'annotations.save': async ({ id, annotation }) => {
      const p = await project();
      const saved = id === undefined ? p.addAnnotation(annotation) : (p.updateAnnotation(id, annotation), id);
      const found = p.listAnnotations(annotation.runId).find((a) => a.id === saved);
      if (!found) throw new DexarError('internal', `annotation ${saved} vanished after saving`, 'StoreError');
      return found;
    },
    'editedLayers.list': async ({ runId }) => (await project()).listEditedLayers(runId),
    'editedLayers.save': async ({ id, runId, name, gh, gw, values }) => {
      const p = await project();
      const layerId = id ?? p.saveEditedLayer({ runId, baseHeatmapId: null, name, gh, gw, values });
      if (id !== undefined) p.updateEditedLayerValues(id, values);
      const saved = p.listEditedLayers(runId).find((layer) => layer.id === layerId);
      if (!saved) throw new DexarError('not-found', `edited layer ${layerId} is not part of run ${runId}`, 'NotFound');
      return saved;
    },
    'editedLayers.delete': async ({ id }) => ({ deleted: (await project()).deleteEditedLayer(id) }),
    'annotations.delete': async ({ id }) => ({ deleted: (await project()).deleteAnnotation(id) }),

    'gallery.query': async (query) => {
      const p = await project();
      const page = p.queryGallery(query);
      return { ...page, items: page.items.map((run) => ({ ...run, thumbnail: thumbnailUrl(run.imageSha) })) };
    },
    'galleries.list': async () => (await project()).listGalleries(),
    'galleries.save': async ({ id, name, filter }) => {
      const p = await project();
      const galleryId = id ?? p.createGallery(name, filter);
      if (id !== undefined) p.updateGallery(id, filter, name);
      return gallery(p, galleryId);
    },
    'evaluations.list': async () => (await project()).listEvalRuns(),
    'reports.export': async ({ source, format, path, map }) => {
      const p = await project();
      const out = checkedPath(path);
      const result = await exportReport(p, {
        source,
        format,
        out,
        projectName: projectDisplayName(p.path),
        ...(map ? { map } : {}),
        onProgress: ({ done, total }) => events.emit('onDidReportProgress', { done, total }),
      });
      return { path: result.path, sha256: result.sha256, redacted: result.redacted, bytes: result.bytes };
    },
    'galleries.pin': async ({ galleryId, runId, pinned }) => {
      const p = await project();
      if (pinned) p.pinRun(galleryId, runId);
      else p.unpinRun(galleryId, runId);
      return gallery(p, galleryId);
    },
  };
}

function gallery(project: Project, id: number) {
  const found = project.getGallery(id);
  if (!found) throw new DexarError('not-found', `gallery ${id} is not in this project`, 'NotFound');
  return found;
}
