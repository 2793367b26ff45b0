import { describe, expect, it } from 'vitest';
import { ImportPacer } from '#shared/delivery/import-pacer.js';
import { MAX_CACHED_DESTINATIONS } from '#shared/limits.js';

describe('ImportPacer', () => {
  it('lets a burst of 30 through at once, then paces at 10 per second, per account+Region', async () => {
    let clock = 0;
    const pacer = new ImportPacer(10, 30, () => clock);
    for (let i = 0; i < 30; i++) await pacer.take('a|us-east-1');
    // Another account+Region has its own bucket.
    await pacer.take('b|us-east-1');
    let released = false;
    const next = pacer.take('a|us-east-1').then(() => (released = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(released).toBe(false);
    clock += 100; // one token refills in 100 ms at 10/s
    await next;
    expect(released).toBe(true);
  });
});

describe('ImportPacer bounds', () => {
  it('keeps at most maxBuckets account+Region buckets, dropping the least recently used', async () => {
    const pacer = new ImportPacer(10, 30, () => 0, 2);
    await pacer.take('a|us-east-1');
    await pacer.take('b|us-east-1');
    await pacer.take('a|us-east-1');
    await pacer.take('c|us-east-1');
    expect(pacer.size).toBe(2);
  });

  it('holds a few thousand buckets by default, not one per account+Region ever seen', async () => {
    const pacer = new ImportPacer();
    for (let i = 0; i < MAX_CACHED_DESTINATIONS + 10; i++) await pacer.take(`${i}|us-east-1`);
    expect(pacer.size).toBe(MAX_CACHED_DESTINATIONS);
  });
});
