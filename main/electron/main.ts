/**
 * The Electron host: one window over the shared services, IPC handlers that validate every
 * payload and check the sender, and no way for the renderer to navigate, open windows or ask
 * for permissions.
 */
import { BrowserWindow, app, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX, METHOD_NAMES } from '../../shared/api/contract';
import { toErrorEnvelope } from '../../shared/api/envelope';
import { createDispatcher } from '../api/dispatcher';
import { EventBus } from '../api/events';
import { createHandlers } from '../api/handlers';
import { preloadPath, rendererDir, samplesDir } from '../app/build-paths';
import { RunService } from '../app/runs';
import { Workspace } from '../app/workspace';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { APP_ENTRY_URL, createWindowOptions, isAllowedNavigation } from './window-options';

registerAppScheme();

const events = new EventBus();

function senderIsApp(event: IpcMainInvokeEvent): boolean {
  return event.senderFrame !== null && isAllowedNavigation(event.senderFrame.url);
}

function registerIpc(): void {
  const workspace = new Workspace({ dataDir: app.getPath('userData'), events, samplesDir: samplesDir(), ...projectFromArgv() });
  const runs = new RunService(workspace, events);
  app.on('will-quit', () => {
    void runs.close();
    workspace.close();
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

function createWindow(): void {
  const win = new BrowserWindow(createWindowOptions(preloadPath()));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  const detach = events.attach((name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(`${IPC_EVENT_PREFIX}${name}`, payload);
  });
  win.on('closed', detach);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
}

app.enableSandbox();
void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer(rendererDir());
  registerIpc();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
