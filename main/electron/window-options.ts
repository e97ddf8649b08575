/**
 * The renderer window's security posture, as data, so it can be tested without launching
 * Electron: isolated, sandboxed, no Node, and served from the app's own origin only.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** The privileged scheme the renderer is served from (never file://, which CSP cannot scope). */
export const APP_SCHEME = 'dexar';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function createWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'DEX-AR Workstation',
    backgroundColor: '#14161a',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: process.env.DEXAR_DEVTOOLS === '1',
    },
  };
}

/** Only the app's own pages may load in the window; everything else is refused. */
export function isAllowedNavigation(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
