/**
 * The headless host (`dexar serve`): the same API as the Electron host over HTTP + WebSocket,
 * bound to 127.0.0.1 only, with a random per-launch token on every request and socket.
 *
 *   GET  /…            renderer files; token from `?token=` (first load) or the launch cookie
 *   POST /api/<method> JSON body = method input; `Authorization: Bearer <token>`
 *   GET  /events       WebSocket of `{event, payload}` messages; `?token=` in the URL
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_MAX_INPUT_BYTES, isMethodName, maxInputBytes } from '../../shared/api/contract';
import type { Envelope, ErrorEnvelope } from '../../shared/api/envelope';
import { ValidationError, toErrorEnvelope } from '../../shared/api/envelope';
import type { Dispatch } from '../api/dispatcher';
import type { EventBus } from '../api/events';
import { SECURITY_HEADERS, contentSecurityPolicy } from '../security/csp';
import { bearerToken, cookieValue, createToken, deriveCookieSecret, tokenMatches } from './auth';
import { loadStaticFile, type BlobSource } from './static-files';

/** Loopback only: the host is never reachable from another machine. */
export const LOOPBACK = '127.0.0.1';

export interface HeadlessHostOptions {
  dispatch: Dispatch;
  events: EventBus;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** Content served beside the renderer, e.g. thumbnails; same token rules as the renderer. */
  blobs?: BlobSource;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one per launch otherwise. */
  token?: string;
}

export interface HeadlessHost {
  readonly url: string;
  /** The URL a user opens: carries the token once, the page then drops it from the address bar. */
  readonly launchUrl: string;
  /**
   * A single-use URL that never contains the token, for handing to another process (a browser
   * command line is readable by every local user): opening it trades the code for the token.
   */
  issueLaunchUrl(): string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const STATUS_BY_KIND: Record<ErrorEnvelope['kind'], number> = {
  validation: 400,
  'not-found': 404,
  unsupported: 422,
  cancelled: 409,
  internal: 500,
};

export async function startHeadlessHost(options: HeadlessHostOptions): Promise<HeadlessHost> {
  const token = options.token ?? createToken();
  // Browsers send localhost cookies to every port, so the cookie carries a value derived from the
  // token that opens static files only, never the API token itself.
  const cookieSecret = deriveCookieSecret(token);
  const launchCodes = new Map<string, number>();
  const LAUNCH_CODE_TTL_MS = 120_000;
  const consumeLaunchCode = (code: string): boolean => {
    const expires = launchCodes.get(code);
    launchCodes.delete(code);
    return expires !== undefined && expires > Date.now();
  };
  const server = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let origin = '';
  let cookieName = '';
  let csp = '';

  const allowedHosts = () => {
    const port = (server.address() as AddressInfo).port;
    return new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  };

  // DNS-rebinding guard: a page on another site that resolves to 127.0.0.1 still sends its own Host.
  const hostAllowed = (req: IncomingMessage) => allowedHosts().has(req.headers.host ?? '');

  server.on('request', (req, res) => {
    handleRequest(req, res).catch((err: unknown) => sendJson(res, 500, toErrorEnvelope(err)));
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', origin);
    if (!hostAllowed(req)) return sendJson(res, 403, failure('forbidden host header'));
    const launch = url.searchParams.get('launch');
    if (launch !== null && req.method === 'GET' && consumeLaunchCode(launch)) {
      // The token travels in the fragment, which browsers never send to any server.
      res.writeHead(302, { ...SECURITY_HEADERS, Location: `/#token=${token}`, 'Set-Cookie': `${cookieName}=${cookieSecret}; HttpOnly; SameSite=Strict; Path=/`, 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, failure('method not allowed'));

    const queryToken = url.searchParams.get('token');
    const authorised = tokenMatches(token, queryToken) || tokenMatches(cookieSecret, cookieValue(req.headers.cookie, cookieName));
    if (!authorised) return sendText(res, 401, 'DEX-AR Workstation: open the URL printed by `dexar serve` (it carries the access token).');
    const blob = await options.blobs?.(url.pathname);
    const file = blob ?? (await loadStaticFile(options.rendererDir, url.pathname));
    if (!file) return sendText(res, 404, 'not found');
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Content-Security-Policy': csp,
      // Blobs are content-addressed: the same URL never changes. The app itself is not cached.
      'Cache-Control': blob ? 'private, max-age=31536000, immutable' : 'no-store',
    };
    if (queryToken !== null) {
      headers['Set-Cookie'] = `${cookieName}=${cookieSecret}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL) {
    // Only a header can carry the API token: cookies would make cross-site requests authenticated.
    if (!tokenMatches(token, bearerToken(req.headers.authorization))) {
      return sendJson(res, 401, failure('missing or wrong access token'));
    }
    if (req.method !== 'POST') return sendJson(res, 405, failure('use POST'));
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, toErrorEnvelope(new ValidationError('request body must be application/json')));
    }
    // Method names are plain ASCII: no percent-decoding, so no malformed escapes to fail on.
    const method = url.pathname.slice('/api/'.length);
    // Unknown methods get the small default bound; the dispatcher then refuses them by name.
    const limit = isMethodName(method) ? maxInputBytes(method) : DEFAULT_MAX_INPUT_BYTES;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      res.setHeader('Connection', 'close');
      return sendJson(res, 413, toErrorEnvelope(new ValidationError(`request body exceeds ${limit} bytes`)));
    }
    let payload: unknown;
    try {
      payload = JSON.parse(await readBody(req, limit));
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, toErrorEnvelope(new ValidationError(err.message)));
      return sendJson(res, 400, toErrorEnvelope(new ValidationError('request body is not valid JSON')));
    }
    const envelope = await options.dispatch(method, payload);
    sendJson(res, envelope.ok ? 200 : STATUS_BY_KIND[envelope.kind], envelope);
  }

  server.on('upgrade', (req, socket, head) => {
    // A reset or malformed request on a raw socket must never take the host down.
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const sameOrigin = req.headers.origin === undefined || req.headers.origin === origin || req.headers.origin === origin.replace(LOOPBACK, 'localhost');
    if (!hostAllowed(req) || !sameOrigin || url.pathname !== '/events') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    if (!tokenMatches(token, url.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws));
  });

  // Clients only listen; anything they send is dropped rather than interpreted.
  sockets.on('connection', (ws: WebSocket) => ws.on('message', () => undefined));

  const detach = options.events.attach((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const client of sockets.clients) {
      if (client.readyState === client.OPEN) client.send(message);
    }
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, LOOPBACK, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${LOOPBACK}:${port}`;
  cookieName = `dexar_token_${port}`;
  csp = contentSecurityPolicy({ connect: [`ws://${LOOPBACK}:${port}`, `ws://localhost:${port}`] });

  return {
    url: `${origin}/`,
    launchUrl: `${origin}/?token=${token}`,
    issueLaunchUrl: () => {
      const code = createToken();
      launchCodes.set(code, Date.now() + LAUNCH_CODE_TTL_MS);
      return `${origin}/?launch=${code}`;
    },
    token,
    port,
    close: async () => {
      detach();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

class BodyTooLargeError extends Error {}

/** Reads a JSON body; past the limit it keeps draining (so the client sees the answer) but stores nothing. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) rejectBody(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
      else resolveBody(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', rejectBody);
  });
}

function failure(message: string): ErrorEnvelope {
  return { ok: false, error: { name: 'HostError', message }, kind: 'validation' };
}

function sendJson(res: ServerResponse, status: number, body: Envelope<unknown>) {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
