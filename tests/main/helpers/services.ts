/** Real services over a temporary data folder (a real SQLite project), for API-level tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDispatcher } from '../../../main/api/dispatcher';
import { EventBus } from '../../../main/api/events';
import { createHandlers } from '../../../main/api/handlers';
import { Workspace } from '../../../main/app/workspace';

export const SAMPLES_DIR = fileURLToPath(new URL('../../../models/samples', import.meta.url));

export function testServices(options: { samples?: boolean; projectPath?: string } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dexar-home-'));
  const events = new EventBus();
  const workspace = new Workspace({
    dataDir,
    events,
    ...(options.samples ? { samplesDir: SAMPLES_DIR } : {}),
    ...(options.projectPath ? { projectPath: options.projectPath } : {}),
  });
  const dispatch = createDispatcher(createHandlers({ host: 'headless', workspace, events }));
  return { dataDir, events, workspace, dispatch };
}
