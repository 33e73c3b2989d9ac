import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../src/campaigns/hot-lookups.js';

/** A load the test answers when it chooses, counting how often it was started. */
function controlledLoad<T>() {
  const pending: { resolve: (value: T | null) => void; reject: (error: Error) => void }[] = [];
  let calls = 0;
  return {
    load: () => {
      calls += 1;
      return new Promise<T | null>((resolve, reject) => pending.push({ resolve, reject }));
    },
    get calls() {
      return calls;
    },
    answer: (value: T | null) => pending.shift()?.resolve(value),
    fail: (error: Error) => pending.shift()?.reject(error),
  };
}

describe('the hot lookups cache', () => {
  it('runs one load for concurrent misses of one key and answers all of them', async () => {
    const cache = new TtlCache<string>(2_000, () => 0);
    const source = controlledLoad<string>();
    const answers = Promise.all([1, 2, 3].map(() => cache.get('demo', source.load)));
    source.answer('campaign');
    expect(await answers).toEqual(['campaign', 'campaign', 'campaign']);
    expect(source.calls).toBe(1);
    expect(await cache.get('demo', source.load)).toBe('campaign');
    expect(source.calls).toBe(1);
  });

  it('peeks at a fresh value only: never at a load in flight, never past its time', async () => {
    let now = 0;
    const cache = new TtlCache<string>(2_000, () => now);
    const source = controlledLoad<string>();
    const loading = cache.get('demo', source.load);
    // A caller holding a database connection must not wait for a load that needs another one.
    expect(cache.peek('demo')).toBeUndefined();
    source.answer('campaign');
    await loading;
    expect(cache.peek('demo')).toBe('campaign');
    now = 2_000;
    expect(cache.peek('demo')).toBeUndefined();
    cache.remember('demo', 'read on a transaction');
    expect(cache.peek('demo')).toBe('read on a transaction');
    expect(await cache.get('demo', source.load)).toBe('read on a transaction');
    expect(source.calls).toBe(1);
  });

  it('loads again once the entry expired, and never keeps a miss', async () => {
    let now = 0;
    const cache = new TtlCache<string>(2_000, () => now);
    const source = controlledLoad<string>();
    const first = cache.get('demo', source.load);
    source.answer(null);
    expect(await first).toBeNull();
    const second = cache.get('demo', source.load);
    source.answer('campaign');
    expect(await second).toBe('campaign');
    now = 2_001;
    const third = cache.get('demo', source.load);
    source.answer('changed');
    expect(await third).toBe('changed');
    expect(source.calls).toBe(3);
  });

  it('answers a load that clear() overtook to its callers but does not keep it', async () => {
    const cache = new TtlCache<string>(2_000, () => 0);
    const source = controlledLoad<string>();
    const before = cache.get('demo', source.load);
    cache.clear();
    source.answer('stale');
    expect(await before).toBe('stale');
    const after = cache.get('demo', source.load);
    source.answer('fresh');
    expect(await after).toBe('fresh');
    expect(source.calls).toBe(2);
  });

  it('passes a failed load to every waiting caller and tries again on the next get', async () => {
    const cache = new TtlCache<string>(2_000, () => 0);
    const source = controlledLoad<string>();
    const waiting = [cache.get('demo', source.load), cache.get('demo', source.load)];
    source.fail(new Error('database away'));
    for (const answer of waiting) await expect(answer).rejects.toThrow('database away');
    const retry = cache.get('demo', source.load);
    source.answer('campaign');
    expect(await retry).toBe('campaign');
    expect(source.calls).toBe(2);
  });
});
