/** Where the workstation keeps its own files (never inside the user's source folders). */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** DEXAR_HOME wins (tests, portable installs); otherwise the platform's per-user data folder. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DEXAR_HOME) return env.DEXAR_HOME;
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'DEX-AR Workstation');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'DEX-AR Workstation');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'dexar-workstation');
}

export function sampleProjectPath(dataDir: string): string {
  return join(dataDir, 'Sample project.dexar');
}
