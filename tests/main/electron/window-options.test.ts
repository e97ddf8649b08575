import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, createWindowOptions, isAllowedNavigation } from '../../../main/electron/window-options';
import { contentSecurityPolicy } from '../../../main/security/csp';

describe('main/electron/createWindowOptions', () => {
  const prefs = createWindowOptions('/app/build/preload/index.cjs').webPreferences ?? {};

  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(prefs).toMatchObject({
      preload: '/app/build/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('allows navigation only within the app origin', () => {
    expect(isAllowedNavigation(APP_ENTRY_URL)).toBe(true);
    expect(isAllowedNavigation('dexar://app/other.html#x')).toBe(true);
    expect(isAllowedNavigation('dexar://evil/index.html')).toBe(false);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('not a url')).toBe(false);
  });
});

describe('main/security/contentSecurityPolicy', () => {
  it('forbids inline and eval script, plugins, framing and foreign connections', () => {
    const csp = contentSecurityPolicy();
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(contentSecurityPolicy({ connect: ['ws://127.0.0.1:1234'] })).toContain("connect-src 'self' ws://127.0.0.1:1234");
  });
});
