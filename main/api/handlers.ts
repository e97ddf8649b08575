/** The Node-side implementation of the contract, shared by the Electron and headless hosts. */
import { basename } from 'node:path';
import type { HostKind, ProjectSummary } from '../../shared/api/contract';
import { appInfo } from '../app/info';
import { sampleProjectPath } from '../app/paths';
import type { Handlers } from './dispatcher';

export interface ServiceContext {
  host: HostKind;
  /** Per-user data folder (see app/paths.ts). */
  dataDir: string;
  /** Project to open at launch; the sample project when absent. */
  projectPath?: string;
}

function projectSummary(ctx: ServiceContext): ProjectSummary {
  const path = ctx.projectPath ?? sampleProjectPath(ctx.dataDir);
  return { name: basename(path).replace(/\.dexar$/i, ''), path, isSample: ctx.projectPath === undefined };
}

export function createHandlers(ctx: ServiceContext): Handlers {
  return {
    'app.getInfo': () => appInfo(ctx.host),
    'project.getCurrent': () => projectSummary(ctx),
  };
}
