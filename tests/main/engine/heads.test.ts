import { describe, expect, it } from 'vitest';
import { KvCache } from '../../../main/engine/generation/kv-cache';
import { HeadQueue, type HeadRows, type HeadTarget } from '../../../main/engine/heads';

const shape = { layers: 1, kvHeads: 1, headDim: 1 };
const cacheOf = (length: number) => KvCache.fromPresent(shape, new Float32Array(length), new Float32Array(length), [1, 1, 1, length, 1]);
const target = (id: number): HeadTarget => ({ id, queryRow: id, m: new Float32Array(1), attention: new Float32Array(id + 1) });

/** An explain-head stand-in whose calls finish when the test says so; rows echo the target ids. */
function controlledHead() {
  const calls: { ids: number[]; cache: number; finish: (err?: Error) => void }[] = [];
  const call = (targets: readonly HeadTarget[], cache: KvCache) =>
    new Promise<HeadRows>((resolve, reject) => {
      const rows = targets.map((t) => ({ queryRow: t.queryRow, gradient: Float32Array.of(t.id), attention: t.attention }));
      const lensScores = Float32Array.from(targets, (t) => 10 * t.id);
      calls.push({ ids: targets.map((t) => t.id), cache: cache.length, finish: (err) => (err ? reject(err) : resolve({ rows, lensScores })) });
    });
  return { calls, call };
}

const settle = () => new Promise((r) => setImmediate(r));

/** A queue with a 10 ms hold on a test clock; `pushAt(ms, id, tag)` pushes target id (cache id + 1) at that time. */
function heldQueue() {
  const head = controlledHead();
  let clock = 0;
  const delivered: string[] = [];
  const queue = new HeadQueue<string>(head.call, (tag) => void delivered.push(tag), 10, () => clock);
  const pushAt = (ms: number, id: number, tag: string) => {
    clock = ms;
    queue.push(target(id), cacheOf(id + 1), tag);
  };
  return { head, delivered, queue, pushAt };
}

describe('main/engine/heads/HeadQueue', () => {
  it('keeps one call in flight, batches what arrives meanwhile with the newest cache, delivers in order', async () => {
    const head = controlledHead();
    const delivered: [string, number, number][] = [];
    const queue = new HeadQueue<string>(head.call, (tag, rows, lens) => void delivered.push([tag, rows.gradient[0] as number, lens[0] as number]));
    queue.push(target(0), cacheOf(1), 'a');
    queue.push(target(1), cacheOf(2), 'b');
    queue.push(target(2), cacheOf(3), 'c');
    expect(head.calls.map((c) => c.ids)).toEqual([[0]]);
    head.calls[0]?.finish();
    await settle();
    expect(head.calls.map((c) => [c.ids, c.cache])).toEqual([[[0], 1], [[1, 2], 3]]);
    expect(delivered).toEqual([['a', 0, 0]]);
    head.calls[1]?.finish();
    await queue.flush();
    expect(delivered).toEqual([['a', 0, 0], ['b', 1, 10], ['c', 2, 20]]);
    // Idle again: the next target starts its own call at once.
    queue.push(target(3), cacheOf(4), 'd');
    expect(head.calls).toHaveLength(3);
    head.calls[2]?.finish();
    await queue.flush();
    expect(delivered.map((d) => d[0])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('surfaces a failed call at the next push and at flush, delivering nothing after it', async () => {
    const head = controlledHead();
    const delivered: string[] = [];
    const queue = new HeadQueue<string>(head.call, (tag) => void delivered.push(tag));
    queue.push(target(0), cacheOf(1), 'a');
    head.calls[0]?.finish(new Error('head failed'));
    await settle();
    expect(() => queue.push(target(1), cacheOf(2), 'b')).toThrow('head failed');
    await expect(queue.flush()).rejects.toThrow('head failed');
    expect(delivered).toEqual([]);
  });

  it('with a hold time, batches fast tokens until the oldest would wait too long; slow tokens still go one by one', async () => {
    const { head, delivered, queue, pushAt } = heldQueue();
    // The first target goes at once: how fast tokens come is not known yet.
    pushAt(0, 0, 'a');
    expect(head.calls.map((c) => c.ids)).toEqual([[0]]);
    head.calls[0]?.finish();
    await settle();
    // Tokens 2 ms apart: held while the oldest plus one more interval stays under 10 ms.
    for (const [i, tag] of ['b', 'c', 'd', 'e', 'f'].entries()) pushAt(2 * (i + 1), i + 1, tag);
    // b arrived at 2; at 10 (f) 8 ms have passed, and the next push would make it 10.
    expect(head.calls.map((c) => [c.ids, c.cache])).toEqual([[[0], 1], [[1, 2, 3, 4, 5], 6]]);
    head.calls[1]?.finish();
    await settle();
    pushAt(12, 6, 'g');
    expect(head.calls).toHaveLength(2);
    // flush sends what is held, whatever its age.
    const flushed = queue.flush();
    await settle();
    expect(head.calls.map((c) => c.ids).at(-1)).toEqual([6]);
    head.calls[2]?.finish();
    await flushed;
    expect(delivered).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    // Slow tokens (an interval over the hold time) each start a call at once.
    pushAt(62, 7, 'h');
    expect(head.calls).toHaveLength(4);
  });

  it('with a hold time, keeps young targets that arrived during a call held after it returns', async () => {
    const { head, pushAt } = heldQueue();
    pushAt(0, 0, 'a');
    pushAt(2, 1, 'b');
    pushAt(4, 2, 'c');
    head.calls[0]?.finish();
    await settle();
    expect(head.calls).toHaveLength(1);
    pushAt(6, 3, 'd');
    pushAt(8, 4, 'e');
    expect(head.calls).toHaveLength(1);
    pushAt(10, 5, 'f');
    expect(head.calls.map((c) => c.ids)).toEqual([[0], [1, 2, 3, 4, 5]]);
  });

  it('flush during a call sends the held targets when it returns and resolves after their delivery', async () => {
    const { head, delivered, queue, pushAt } = heldQueue();
    pushAt(0, 0, 'a');
    pushAt(2, 1, 'b');
    let done = false;
    const flushed = queue.flush().then(() => (done = true));
    head.calls[0]?.finish();
    await settle();
    expect(head.calls.map((c) => c.ids)).toEqual([[0], [1]]);
    expect(done).toBe(false);
    head.calls[1]?.finish();
    await flushed;
    expect(delivered).toEqual(['a', 'b']);
  });

  it('sends nothing after a failed call, even what flush would have sent', async () => {
    const head = controlledHead();
    const delivered: string[] = [];
    const queue = new HeadQueue<string>(head.call, (tag) => void delivered.push(tag));
    queue.push(target(0), cacheOf(1), 'a');
    queue.push(target(1), cacheOf(2), 'b');
    head.calls[0]?.finish(new Error('head failed'));
    await settle();
    await expect(queue.flush()).rejects.toThrow('head failed');
    expect(head.calls).toHaveLength(1);
    expect(delivered).toEqual([]);
  });

  it('rejects a negative hold time', () => {
    const head = controlledHead();
    expect(() => new HeadQueue<string>(head.call, () => undefined, -1)).toThrow('hold time');
  });
});
