/**
 * The Electron host: one window over the shared services, IPC handlers that validate every
 * payload and check the sender, and no way for the renderer to navigate, open windows or ask
 * for permissions.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX, METHOD_NAMES } from '../../shared/api/contract';
import { toErrorEnvelope } from '../../shared/api/envelope';
import { createDispatcher } from '../api/dispatcher';
import { EventBus } from '../api/events';
import { createHandlers } from '../api/handlers';
import { preloadPath, rendererDir, samplesDir } from '../app/build-paths';
import { resolveDataDir } from '../app/paths';
import { RunService } from '../app/runs';
import { thumbnailSource } from '../app/thumbnails';
import { Workspace } from '../app/workspace';
import { useElectronSqliteBinding } from '../store/native-binding';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { electronSqliteAddonPath } from './sqlite-binding';
import { APP_ENTRY_URL, createWindowOptions, isAllowedNavigation } from './window-options';

registerAppScheme();
// Projects open through better-sqlite3 built for Electron's ABI, not node_modules' Node build.
useElectronSqliteBinding(electronSqliteAddonPath(dirname(fileURLToPath(import.meta.url))));

const events = new EventBus();

function senderIsApp(event: IpcMainInvokeEvent): boolean {
  return event.senderFrame !== null && isAllowedNavigation(event.senderFrame.url);
}

function registerIpc(workspace: Workspace): void {
  const runs = new RunService(workspace, events);
  // Stop the engine before the database closes, so no run is written to a closed file.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    void runs.close().finally(() => {
      workspace.close();
      app.exit(0);
    });
  });
  const dispatch = createDispatcher(createHandlers({ host: 'electron', workspace, runs, events }));
  for (const method of METHOD_NAMES) {
    ipcMain.handle(`${IPC_INVOKE_PREFIX}${method}`, (event, payload: unknown) => {
      if (!senderIsApp(event)) {
        return toErrorEnvelope(new Error(`refused IPC from ${event.senderFrame?.url ?? 'a destroyed frame'}`));
      }
      return dispatch(method, payload);
    });
  }
}

function projectFromArgv(): { projectPath?: string } {
  const arg = process.argv.find((value) => value.endsWith('.dexar'));
  return arg ? { projectPath: arg } : {};
}

/** Every web contents, not just the main window's: no navigation away, no new windows, no webviews. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function createWindow(): void {
  const win = new BrowserWindow(createWindowOptions(preloadPath()));
  win.webContents.on('did-fail-load', (_event, code, description, url) => {
    // A hidden window that failed to load would otherwise never appear.
    dialog.showErrorBox('DEX-AR Workstation', `The workstation could not load ${url} (${code}: ${description}).`);
    app.exit(1);
  });
  const detach = events.attach((name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(`${IPC_EVENT_PREFIX}${name}`, payload);
  });
  win.on('closed', detach);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
}

app.enableSandbox();
// A second launch hands over to the first window instead of opening the project file twice.
if (!app.requestSingleInstanceLock()) app.exit(0);
app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows();
  if (win?.isMinimized()) win.restore();
  win?.focus();
});
app.on('web-contents-created', (_event, contents) => lockDown(contents));
void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  // The same data folder as `dexar serve`, so both hosts share the sample and recent projects.
  const workspace = new Workspace({ dataDir: resolveDataDir(), events, samplesDir: samplesDir(), ...projectFromArgv() });
  serveRenderer(rendererDir(), thumbnailSource(workspace));
  registerIpc(workspace);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
