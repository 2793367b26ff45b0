import { describe, expect, it } from 'vitest';
import { ExpiringCache } from '#shared/credentials/expiring-cache.js';
import { MAX_CACHED_DESTINATIONS } from '#shared/limits.js';

function counter(lifetimeMs: number, now: () => number) {
  let calls = 0;
  const fetch = async (key: string) => {
    calls++;
    await Promise.resolve();
    return { key, call: calls, expiration: new Date(now() + lifetimeMs) };
  };
  return { fetch, calls: () => calls };
}

describe('ExpiringCache', () => {
  it('shares one fetch among concurrent callers of the same key', async () => {
    let clock = 0;
    const source = counter(3_600_000, () => clock);
    const cache = new ExpiringCache(source.fetch, { now: () => clock });
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.get('role-a')));
    expect(source.calls()).toBe(1);
    expect(new Set(values.map((v) => v.call))).toEqual(new Set([1]));
  });

  it('keeps a value until the refresh margin before its expiry, then fetches a new one', async () => {
    let clock = 0;
    const source = counter(3_600_000, () => clock);
    const cache = new ExpiringCache(source.fetch, { now: () => clock, refreshMarginMs: 300_000 });
    await cache.get('role-a');
    clock = 3_600_000 - 300_001;
    expect((await cache.get('role-a')).call).toBe(1);
    clock = 3_600_000 - 300_000;
    expect((await cache.get('role-a')).call).toBe(2);
  });

  it('does not cache a failed fetch', async () => {
    let attempts = 0;
    const cache = new ExpiringCache(async () => {
      attempts++;
      if (attempts === 1) throw new Error('AccessDenied');
      return { expiration: new Date(Date.now() + 3_600_000) };
    });
    await expect(cache.get('role-a')).rejects.toThrow('AccessDenied');
    await expect(cache.get('role-a')).resolves.toBeDefined();
    expect(attempts).toBe(2);
  });

  it('fetches again after a key is invalidated, and keeps keys apart', async () => {
    const clock = 0;
    const source = counter(3_600_000, () => clock);
    const cache = new ExpiringCache(source.fetch, { now: () => clock });
    await cache.get('role-a');
    await cache.get('role-b');
    cache.invalidate('role-a');
    await cache.get('role-a');
    await cache.get('role-b');
    expect(source.calls()).toBe(3);
  });
});

describe('ExpiringCache bounds', () => {
  it('keeps at most maxEntries keys, evicting the least recently used, which is fetched again when next asked for', async () => {
    const clock = 0;
    const source = counter(3_600_000, () => clock);
    const cache = new ExpiringCache(source.fetch, { now: () => clock, maxEntries: 2 });
    await cache.get('role-a');
    await cache.get('role-b');
    await cache.get('role-a');
    await cache.get('role-c'); // evicts role-b, the least recently used
    expect(cache.size).toBe(2);
    expect(source.calls()).toBe(3);
    await cache.get('role-a');
    expect(source.calls()).toBe(3);
    await cache.get('role-b');
    expect(source.calls()).toBe(4);
  });

  it('holds a few thousand keys by default, not one per key ever seen', async () => {
    const source = counter(3_600_000, () => 0);
    const cache = new ExpiringCache(source.fetch, { now: () => 0 });
    for (let i = 0; i < MAX_CACHED_DESTINATIONS + 100; i++) await cache.get(`role-${i}`);
    expect(cache.size).toBe(MAX_CACHED_DESTINATIONS);
  });
});
