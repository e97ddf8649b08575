/** `dexar serve`: the headless host on 127.0.0.1, for browsers, GPU servers and e2e tests. */
import { resolve } from 'node:path';
import { createDispatcher } from '../../api/dispatcher';
import { EventBus } from '../../api/events';
import { createHandlers } from '../../api/handlers';
import { resolveDataDir } from '../../app/paths';
import { startHeadlessHost, type HeadlessHost } from '../../host/server';
import { rendererDir, samplesDir } from '../../app/build-paths';
import { RunService } from '../../app/runs';
import { thumbnailSource } from '../../app/thumbnails';
import { Workspace } from '../../app/workspace';
import { parseFlags, parsePort } from '../args';

export const summary = 'serve the workstation to a browser on 127.0.0.1 (token-protected)';
export const usage = `dexar serve [--port N] [--project FILE.dexar] [--url-file F]

  --port N        port on 127.0.0.1 (default: a free one)
  --project FILE  project to open (default: the sample project)
  --url-file F    also write the launch URL (with its token) to F, for scripts
  --launch-url-file F
                  write a single-use launch URL (no token in it) to F, for starting a browser`;

export interface ServeOptions {
  port: number;
  projectPath?: string;
}

/** Starts the host over the shared services; used by `dexar serve` and `npm start`'s fallback. */
export async function startServing(options: ServeOptions): Promise<HeadlessHost> {
  const events = new EventBus();
  const workspace = new Workspace({
    dataDir: resolveDataDir(),
    events,
    samplesDir: samplesDir(),
    ...(options.projectPath ? { projectPath: resolve(options.projectPath) } : {}),
  });
  // Open (or seed) the project before serving so a broken project file fails the launch clearly.
  await workspace.project();
  const runs = new RunService(workspace, events);
  const handlers = createHandlers({ host: 'headless', workspace, runs, events });
  const host = await startHeadlessHost({ dispatch: createDispatcher(handlers), events, rendererDir: rendererDir(), blobs: thumbnailSource(workspace), port: options.port });
  return {
    ...host,
    close: async () => {
      await host.close();
      await runs.close();
      workspace.close();
    },
  };
}

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    port: { type: 'string' },
    project: { type: 'string' },
    'url-file': { type: 'string' },
    'launch-url-file': { type: 'string' },
  });
  const host = await startServing({ port: parsePort(flags.port), ...(flags.project ? { projectPath: flags.project } : {}) });
  const { writeFile } = await import('node:fs/promises');
  if (flags['url-file']) await writeFile(flags['url-file'], `${host.launchUrl}\n`, { mode: 0o600 });
  if (flags['launch-url-file']) await writeFile(flags['launch-url-file'], `${host.issueLaunchUrl()}\n`, { mode: 0o600 });
  process.stdout.write(`DEX-AR Workstation is serving on ${host.url}\nOpen: ${host.launchUrl}\n`);
  const stop = () => void host.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
