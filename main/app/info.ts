/** Facts about this build and runtime, recorded in provenance and shown in the UI. */
import pkg from '../../package.json' with { type: 'json' };
import type { AppInfo, HostKind } from '../../shared/api/contract';

export const APP_NAME = pkg.productName;
export const APP_VERSION = pkg.version;

export function appInfo(host: HostKind): AppInfo {
  const runtimes: Record<string, string> = { node: process.versions.node };
  for (const key of ['electron', 'chrome', 'v8'] as const) {
    const version = process.versions[key];
    if (version) runtimes[key] = version;
  }
  return { name: APP_NAME, version: APP_VERSION, host, platform: `${process.platform}-${process.arch}`, runtimes };
}
