import { setTimeout as sleep } from 'node:timers/promises';
import { LruMap } from '../credentials/lru-map.js';
import { IMPORT_BURST, IMPORT_RATE_PER_SECOND, MAX_CACHED_DESTINATIONS } from '../limits.js';

/**
 * Paces BatchImportFindings per account+Region with the same token bucket Security Hub applies
 * (10 requests/s, burst 30), so a container never provokes throttling on its own.
 * Hand-written because the maintained throttling packages (p-throttle, p-limit) model fixed
 * windows or concurrency, not a refilling bucket with a burst; this is ~30 lines.
 * At most `maxBuckets` buckets are kept (MAX_CACHED_DESTINATIONS), the least recently used dropped: a
 * dropped bucket comes back full, which it would have been anyway unless thousands of other
 * destinations were paced within the 3 s it takes to refill (IMPORT_BURST / IMPORT_RATE_PER_SECOND).
 */
export class ImportPacer {
  private readonly buckets: LruMap<string, { tokens: number; updatedAt: number }>;

  constructor(
    private readonly ratePerSecond = IMPORT_RATE_PER_SECOND,
    private readonly burst = IMPORT_BURST,
    private readonly now: () => number = Date.now,
    maxBuckets = MAX_CACHED_DESTINATIONS,
  ) {
    this.buckets = new LruMap(maxBuckets);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Waits until a request for this account+Region fits the bucket, then spends one token. */
  async take(key: string): Promise<void> {
    for (;;) {
      const bucket = this.refill(key);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000));
    }
  }

  private refill(key: string): { tokens: number; updatedAt: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    return bucket;
  }
}
