/** The renderer's single way to the Node side: the preload's object, or the browser shim. */
import type { DexarApi } from '../../../shared/api/contract';
import { createBrowserApi, takeLaunchToken } from './browser-shim';

declare global {
  interface Window {
    dexar?: DexarApi;
  }
}

export function connectApi(): DexarApi {
  return window.dexar ?? createBrowserApi(takeLaunchToken());
}
