import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHeadlessHost, type HeadlessHost } from '../../../main/host/server';
import { testServices } from '../helpers/services';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so tests control every header, including a forged Host. */
function send(host: HeadlessHost, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

function callApi(host: HeadlessHost, method: string, body: string, token: string | null = host.token) {
  return send(host, `/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body,
  });
}

function wsOutcome(url: string, headers: Record<string, string> = {}): Promise<{ opened: boolean; status?: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ opened: true, socket: ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
  });
}

describe('main/host/startHeadlessHost', () => {
  let host: HeadlessHost;
  const services = testServices();
  const { events, dispatch } = services;

  beforeAll(async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'dexar-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    host = await startHeadlessHost({ dispatch, events, rendererDir });
  });
  afterAll(async () => {
    await host.close();
    services.workspace.close();
  });

  it('listens on loopback only, with a fresh random token per launch', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startHeadlessHost({ dispatch, events, rendererDir: '/nonexistent' });
    expect(other.token).not.toBe(host.token);
    await other.close();
  });

  it('refuses API calls without the token or with a wrong one (401)', async () => {
    const none = await callApi(host, 'app.getInfo', '{}', null);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { message: 'missing or wrong access token' } });
    expect((await callApi(host, 'app.getInfo', '{}', `${host.token.slice(0, -1)}${host.token.endsWith('A') ? 'B' : 'A'}`)).status).toBe(401);
  });

  it('does not accept the launch cookie as API credentials (CSRF)', async () => {
    const reply = await send(host, '/api/app.getInfo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `dexar_token_${host.port}=${host.token}` },
      body: '{}',
    });
    expect(reply.status).toBe(401);
  });

  it('answers a valid call with the contract output', async () => {
    const reply = await callApi(host, 'app.getInfo', '{}');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, value: { host: 'headless', name: 'DEX-AR Workstation' } });
  });

  it('answers malformed payloads with a clear validation error (400)', async () => {
    const notJson = await callApi(host, 'app.getInfo', '{nope');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toEqual({ ok: false, error: { name: 'ValidationError', message: 'request body is not valid JSON' }, kind: 'validation' });
    const wrongShape = await callApi(host, 'project.getCurrent', '{"path": 3}');
    expect(wrongShape.status).toBe(400);
    expect(JSON.parse(wrongShape.body).error.message).toMatch(/^invalid input for project.getCurrent: .*path/);
    const unknown = await callApi(host, 'shell.exec', '{}');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error.message).toBe('unknown method "shell.exec"');
    const tooBig = await callApi(host, 'app.getInfo', JSON.stringify({ pad: 'x'.repeat(2 << 20) }));
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).error.message).toMatch(/request body exceeds/);
  });

  it('refuses forged Host headers (DNS rebinding) with 403', async () => {
    const reply = await send(host, '/api/app.getInfo', {
      method: 'POST',
      headers: { Host: `evil.example:${host.port}`, 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
      body: '{}',
    });
    expect(reply.status).toBe(403);
  });

  it('serves the renderer only with the token, with the CSP, and sets a strict cookie', async () => {
    expect((await send(host, '/')).status).toBe(401);
    const first = await send(host, `/?token=${host.token}`);
    expect(first.status).toBe(200);
    const csp = String(first.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict/);
    // The cookie is not the token (localhost cookies reach every port), and it opens no API.
    const cookie = setCookie.split(';')[0] as string;
    expect(cookie).not.toContain(host.token);
    expect((await send(host, '/index.html', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await send(host, '/index.html', { headers: { Cookie: `dexar_token_${host.port}=${host.token}` } })).status).toBe(401);
    const api = await send(host, '/api/app.getInfo', { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: '{}' });
    expect(api.status).toBe(401);
    const traversal = await send(host, '/..%2F..%2F..%2Fetc%2Fpasswd', { headers: { Cookie: cookie } });
    expect(traversal.status).toBe(404);
  });

  it('trades a single-use launch code for the token without putting the token in any URL', async () => {
    const launch = new URL(host.issueLaunchUrl());
    expect(launch.href).not.toContain(host.token);
    const first = await send(host, launch.pathname + launch.search);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(`/#token=${host.token}`);
    const cookie = String(first.headers['set-cookie']).split(';')[0] as string;
    expect((await send(host, '/', { headers: { Cookie: cookie } })).status).toBe(200);
    // Used once, gone; a made-up code gets nothing.
    expect((await send(host, launch.pathname + launch.search)).status).toBe(401);
    expect((await send(host, '/?launch=guess')).status).toBe(401);
  });

  it('serves blobs beside the renderer with the same token rules, cacheable for good', async () => {
    const blobHost = await startHeadlessHost({
      dispatch,
      events,
      rendererDir: '/nonexistent',
      blobs: async (path) => (path === '/thumbs/abc' ? { body: Buffer.from('RIFFxxxxWEBP'), contentType: 'image/webp' } : undefined),
    });
    try {
      expect((await send(blobHost, '/thumbs/abc')).status).toBe(401);
      const ok = await send(blobHost, `/thumbs/abc?token=${blobHost.token}`);
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toBe('image/webp');
      expect(String(ok.headers['cache-control'])).toContain('immutable');
      expect((await send(blobHost, `/thumbs/nope?token=${blobHost.token}`)).status).toBe(404);
    } finally {
      await blobHost.close();
    }
  });

  it('survives malformed request targets and escapes', async () => {
    const { connect } = await import('node:net');
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(host.port, '127.0.0.1', () => socket.end(text));
        let out = '';
        socket.on('data', (d) => (out += String(d)));
        socket.on('close', () => resolve(out));
        socket.on('error', () => resolve(out));
      });
    expect(await raw('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    const badEscape = await callApi(host, '%E0%A4%A', '{}');
    expect(badEscape.status).toBe(400);
    // Still serving after both.
    expect((await callApi(host, 'app.getInfo', '{}')).status).toBe(200);
  });

  it('requires the token on the event socket and delivers validated events', async () => {
    const wsBase = `ws://127.0.0.1:${host.port}/events`;
    expect(await wsOutcome(wsBase)).toMatchObject({ opened: false, status: 401 });
    expect(await wsOutcome(`${wsBase}?token=wrong`)).toMatchObject({ opened: false, status: 401 });
    expect(await wsOutcome(`${wsBase}?token=${host.token}`, { Origin: 'http://evil.example' })).toMatchObject({ opened: false, status: 403 });
    const ok = await wsOutcome(`${wsBase}?token=${host.token}`);
    expect(ok.opened).toBe(true);
    const received = new Promise<unknown>((resolve) => ok.socket?.once('message', (data) => resolve(JSON.parse(String(data)))));
    events.emit('onDidNotify', { level: 'info', message: 'hello' });
    expect(await received).toEqual({ event: 'onDidNotify', payload: { level: 'info', message: 'hello' } });
    ok.socket?.close();
  });
});
