/** Serves the built renderer on dexar://app/ with the same CSP and headers as the headless host. */
import { protocol } from 'electron';
import { loadStaticFile, type BlobSource } from '../host/static-files';
import { SECURITY_HEADERS, contentSecurityPolicy } from '../security/csp';
import { APP_SCHEME } from './window-options';

/** Must run before `app.ready`: makes the scheme standard and secure so CSP 'self' applies. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string, blobs: BlobSource): void {
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'app' ? ((await blobs(url.pathname)) ?? (await loadStaticFile(rendererDir, url.pathname))) : undefined;
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType, 'Content-Security-Policy': csp },
    });
  });
}
