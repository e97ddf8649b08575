import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundle } from '../../../main/engine/bundle';
import { ThreadedGraphSession } from '../../../main/engine/graph-thread/client';
import { defaultProviders, f32, i64, parseProviders } from '../../../main/engine/onnx';
import { SessionCache } from '../../../main/engine/sessions';
import { bundlePath } from '../../shared/dexar/fixture-data';
import { buildGraphWorker } from '../helpers/engine-worker';

describe('main/engine/onnx/providers', () => {
  it('prefers the platform GPU provider, then CPU', () => {
    expect(defaultProviders('linux')).toEqual(['cuda', 'cpu']);
    expect(defaultProviders('win32')).toEqual(['dml', 'cpu']);
    expect(defaultProviders('darwin')).toEqual(['coreml', 'cpu']);
    expect(parseProviders('CUDA, cpu')).toEqual(['cuda', 'cpu']);
    expect(() => parseProviders('tpu')).toThrow(/found "tpu"/);
  });
});

describe('main/engine/sessions/SessionCache', () => {
  it('falls back to CPU with a notice, reuses sessions and releases them on model switch', async () => {
    const llama = await loadBundle(bundlePath('tiny-llama'), { verifyHashes: false });
    const mistral = await loadBundle(bundlePath('tiny-mistral'), { verifyHashes: false });
    const cache = new SessionCache();
    // This machine has no DirectML: the session must still start, on CPU, saying why.
    const first = await cache.use(llama, { providers: ['dml', 'cpu'], intraOpThreads: 1 });
    const { providers, notices } = await first.warm();
    expect(Object.values(providers)).toEqual(['cpu', 'cpu', 'cpu', 'cpu']);
    expect(notices.map((n) => n.requested)).toEqual(['dml']);
    expect(notices[0]?.reason.length).toBeGreaterThan(0);
    const embed = await first.session('embed');
    expect(await (await cache.use(llama, { providers: ['dml', 'cpu'], intraOpThreads: 1 })).session('embed')).toBe(embed);
    const second = await cache.use(mistral, { providers: ['cpu'], intraOpThreads: 1 });
    expect(second).not.toBe(first);
    expect(() => first.session('embed')).toThrow(/after release/);
    await expect(embed.run({})).rejects.toThrow(/after release/);
    await cache.release();
  });

  it('runs a role on a graph thread: same outputs, the provider notice crosses over, released with the model', async () => {
    const llama = await loadBundle(bundlePath('tiny-llama'), { verifyHashes: false });
    const script = await buildGraphWorker('test-graph-worker');
    const local = new SessionCache();
    const threaded = new SessionCache({ script, roles: ['embed'] });
    const options = { providers: ['dml', 'cpu'] as const, intraOpThreads: 1 };
    const here = await (await local.use(llama, options)).session('embed');
    const sessions = await threaded.use(llama, options);
    const there = await sessions.session('embed');
    expect(there.provider).toBe('cpu');
    expect(there.notices.map((n) => n.requested)).toEqual(['dml']);
    const feeds = () => ({ input_ids: i64([1, 5, 7], [1, 3]) });
    const [a, b] = await Promise.all([here.run(feeds()), there.run(feeds())]);
    expect(b.inputs_embeds?.dims).toEqual(a.inputs_embeds?.dims);
    expect([...(b.inputs_embeds?.data ?? [])]).toEqual([...(a.inputs_embeds?.data ?? [])]);
    await expect(there.run({ input_ids: f32(new Float32Array(3), [1, 3]) })).rejects.toThrow(/input_ids|type/i);
    await threaded.release();
    await expect(there.run(feeds())).rejects.toThrow(/after release/);
    await local.release();
    // A graph that cannot load fails the open with the runtime's reason, and the thread is gone.
    await expect(ThreadedGraphSession.create(script, join(tmpdir(), 'no-such-graph.onnx'))).rejects.toThrow(/no-such-graph\.onnx/);
  });
});
