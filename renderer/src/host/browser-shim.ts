/**
 * `window.dexar` for a plain browser talking to the headless host: methods over HTTP with the
 * launch token as a bearer header, events over one WebSocket that reconnects after drops.
 */
import {
  isEventName,
  isMethodName,
  type DexarApi,
  type EventName,
  type EventPayload,
} from '../../../shared/api/contract';
import { unwrapEnvelope } from '../../../shared/api/envelope';

const TOKEN_KEY = 'dexar.token';

/**
 * Takes the token from `?token=` (the printed URL) or `#token=` (a one-time launch URL) on first
 * load, keeps it for this tab, and drops it from the address bar and history.
 */
export function takeLaunchToken(): string {
  const url = new URL(window.location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const fromUrl = url.searchParams.get('token') ?? fragment.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search);
    return fromUrl;
  }
  const stored = sessionStorage.getItem(TOKEN_KEY);
  if (!stored) throw new Error('no access token: open the URL printed by `dexar serve`');
  return stored;
}

type Listener = (payload: unknown) => void;

export function createBrowserApi(token: string): DexarApi {
  const listeners = new Map<EventName, Set<Listener>>();
  let socket: WebSocket | undefined;
  let retryMs = 250;

  const connect = () => {
    const wsUrl = new URL('events', window.location.href);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.search = `?token=${encodeURIComponent(token)}`;
    socket = new WebSocket(wsUrl);
    socket.onopen = () => (retryMs = 250);
    socket.onmessage = (message) => {
      let parsed: { event?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(String(message.data)) as typeof parsed;
      } catch {
        return;
      }
      if (!isEventName(parsed.event)) return;
      for (const listener of listeners.get(parsed.event) ?? []) listener(parsed.payload);
    };
    socket.onclose = () => {
      socket = undefined;
      if ([...listeners.values()].some((set) => set.size > 0)) {
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      }
    };
  };

  return {
    async invoke(method, input) {
      if (!isMethodName(method)) throw new Error(`unknown method ${String(method)}`);
      let response: Response;
      try {
        response = await fetch(`api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(input),
        });
      } catch {
        throw new Error(`${method}: the workstation host is not reachable`);
      }
      return unwrapEnvelope(method, await response.json().catch(() => undefined));
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(listener as Listener);
      listeners.set(event, set);
      if (!socket) connect();
      return () => void set.delete(listener as Listener);
    },
  };
}
