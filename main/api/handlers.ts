/** The Node-side implementation of the contract, shared by the Electron and headless hosts. */
import type { HostKind } from '../../shared/api/contract';
import { DexarError } from '../../shared/api/envelope';
import { appInfo } from '../app/info';
import { listDirectory } from '../app/file-browser';
import { imageSummary, importPaths, importUpload } from '../app/image-import';
import type { Workspace } from '../app/workspace';
import type { Handlers } from './dispatcher';
import type { EventBus } from './events';

export interface ServiceContext {
  host: HostKind;
  workspace: Workspace;
  events: EventBus;
}

export function createHandlers({ host, workspace, events }: ServiceContext): Handlers {
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
      return { total: p.countImages(), items: p.listImages(limit, offset).map((image) => imageSummary(p, image)) };
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
      return { image: imageSummary(p, image), dataUrl: `data:image/${image.format};base64,${bytes.toString('base64')}` };
    },
  };
}
