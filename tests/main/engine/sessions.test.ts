import { describe, expect, it } from 'vitest';
import { loadBundle } from '../../../main/engine/bundle';
import { defaultProviders, parseProviders } from '../../../main/engine/onnx';
import { SessionCache } from '../../../main/engine/sessions';
import { bundlePath } from '../../shared/dexar/fixture-data';

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
    expect(embed.inputNames).toEqual(['input_ids']);
    expect(await (await cache.use(llama, { providers: ['dml', 'cpu'], intraOpThreads: 1 })).session('embed')).toBe(embed);
    const second = await cache.use(mistral, { providers: ['cpu'], intraOpThreads: 1 });
    expect(second).not.toBe(first);
    expect(() => first.session('embed')).toThrow(/after release/);
    await expect(embed.run({})).rejects.toThrow(/after release/);
    await cache.release();
  });
});
