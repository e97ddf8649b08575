/**
 * Sessions of the loaded model: one onnxruntime session per graph role, created on first use and
 * reused across requests; switching to another bundle releases the previous model's sessions
 * first so two large models never sit in memory together. Roles listed in `threaded` get their
 * session on a graph thread of their own, so their runs overlap this thread's.
 */
import type { LoadedBundle } from './bundle';
import { ThreadedGraphSession } from './graph-thread/client';
import type { GraphRole } from './manifest';
import { GraphSession, type GraphRunner, type ProviderName, type ProviderNotice, type SessionOptions } from './onnx';

/** Which roles run on graph threads, and the built thread script (graph-thread/entry.ts). */
export interface ThreadedRoles {
  readonly script: string;
  readonly roles: readonly GraphRole[];
}

export class ModelSessions {
  private readonly sessions = new Map<GraphRole, Promise<GraphRunner>>();
  private closed = false;

  constructor(
    readonly bundle: LoadedBundle,
    readonly options: SessionOptions = {},
    readonly threaded: ThreadedRoles | null = null,
  ) {}

  session(role: GraphRole): Promise<GraphRunner> {
    if (this.closed) throw new Error(`model ${this.bundle.manifest.name}: sessions used after release`);
    let session = this.sessions.get(role);
    if (session === undefined) {
      const path = this.bundle.graphPath(role);
      session = this.threaded?.roles.includes(role) ? ThreadedGraphSession.create(this.threaded.script, path, this.options) : GraphSession.create(path, this.options);
      // A failed start is not cached, so a later call can retry (e.g. after freeing memory).
      session.catch(() => this.sessions.delete(role));
      this.sessions.set(role, session);
    }
    return session;
  }

  /** Starts every graph's session now (instead of on first use) and reports the providers used. */
  async warm(): Promise<{ providers: Record<string, ProviderName>; notices: ProviderNotice[] }> {
    const providers: Record<string, ProviderName> = {};
    const notices: ProviderNotice[] = [];
    for (const role of this.bundle.family.table.graphs) {
      const s = await this.session(role);
      providers[role] = s.provider;
      for (const n of s.notices) if (!notices.some((m) => m.requested === n.requested)) notices.push(n);
    }
    return { providers, notices };
  }

  async release(): Promise<void> {
    this.closed = true;
    const pending = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of pending) await p.then((s) => s.release()).catch(() => undefined);
  }
}

/** Holds at most one model's sessions; `use` returns the same sessions for the same bundle and options. */
export class SessionCache {
  private current: ModelSessions | null = null;

  constructor(private readonly threaded: ThreadedRoles | null = null) {}

  async use(bundle: LoadedBundle, options: SessionOptions = {}): Promise<ModelSessions> {
    const c = this.current;
    if (c !== null && c.bundle.root === bundle.root && c.bundle.manifestSha256 === bundle.manifestSha256 && sameOptions(c.options, options)) return c;
    await this.release();
    this.current = new ModelSessions(bundle, options, this.threaded);
    return this.current;
  }

  async release(): Promise<void> {
    const c = this.current;
    this.current = null;
    await c?.release();
  }
}

function sameOptions(a: SessionOptions, b: SessionOptions): boolean {
  return (a.providers ?? []).join(',') === (b.providers ?? []).join(',') && (a.intraOpThreads ?? 0) === (b.intraOpThreads ?? 0);
}
