/** Real services over a temporary data folder (a real SQLite project), for API-level tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDispatcher } from '../../../main/api/dispatcher';
import { EventBus } from '../../../main/api/events';
import { createHandlers } from '../../../main/api/handlers';
import { RunService } from '../../../main/app/runs';
import { Workspace } from '../../../main/app/workspace';
import { EngineWorker } from '../../../main/engine/worker/client';

export const SAMPLES_DIR = fileURLToPath(new URL('../../../models/samples', import.meta.url));

export function testServices(options: { samples?: boolean; projectPath?: string; workerScript?: string } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dexar-home-'));
  const events = new EventBus();
  const workspace = new Workspace({
    dataDir,
    events,
    ...(options.samples ? { samplesDir: SAMPLES_DIR } : {}),
    ...(options.projectPath ? { projectPath: options.projectPath } : {}),
  });
  const runs = new RunService(workspace, events, new EngineWorker(options.workerScript));
  const dispatch = createDispatcher(createHandlers({ host: 'headless', workspace, runs, events }));
  return {
    dataDir,
    events,
    workspace,
    runs,
    dispatch,
    close: async () => {
      await runs.close();
      workspace.close();
    },
  };
}
