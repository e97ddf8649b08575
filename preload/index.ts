/**
 * The only bridge between the sandboxed renderer and the Node side: one `window.dexar` object
 * that forwards the contract's own methods and events and nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IPC_EVENT_PREFIX,
  IPC_INVOKE_PREFIX,
  isEventName,
  isMethodName,
  type DexarApi,
} from '../shared/api/contract';
import { unwrapEnvelope } from '../shared/api/envelope';

const api: DexarApi = {
  async invoke(method, input) {
    if (!isMethodName(method)) throw new Error(`unknown method ${String(method)}`);
    return unwrapEnvelope(method, await ipcRenderer.invoke(`${IPC_INVOKE_PREFIX}${method}`, input));
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
    const channel = `${IPC_EVENT_PREFIX}${event}`;
    // Main validates payloads before sending; the IPC event object itself never reaches the page.
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(channel, wrapped);
    return () => void ipcRenderer.removeListener(channel, wrapped);
  },
};

contextBridge.exposeInMainWorld('dexar', api);
