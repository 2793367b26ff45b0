import { CREDENTIAL_REFRESH_MARGIN_MS, MAX_CACHED_DESTINATIONS } from '../limits.js';
import { LruMap } from './lru-map.js';

export interface Expiring {
  expiration?: Date;
}

export interface ExpiringCacheOptions {
  /** Entries are refreshed this long before they expire. */
  refreshMarginMs?: number;
  now?: () => number;
  /** Keys kept, least recently used evicted first (default MAX_CACHED_DESTINATIONS). */
  maxEntries?: number;
}

/**
 * Caches values that expire (STS credentials) per key: one fetch per key per lifetime, concurrent
 * callers share the fetch in flight, a failed fetch is not cached, and a value is replaced once it
 * is within the refresh margin of its expiry. AssumeRole is throttled per calling account, so this
 * is what keeps the broker at one AssumeRole per customer per credential lifetime.
 * (The SDK's own memoization works per client instance; this cache spans all clients of a container.)
 * At most `maxEntries` keys are kept (LRU): an evicted key is fetched again when next asked for.
 */
export class ExpiringCache<T extends Expiring> {
  private readonly entries: LruMap<string, Promise<T>>;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  /** `fetch` fetches a key's value unless a call to get() brings its own (which then needs no default). */
  constructor(
    private readonly fetch: ((key: string) => Promise<T>) | undefined,
    options: ExpiringCacheOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? CREDENTIAL_REFRESH_MARGIN_MS;
    this.now = options.now ?? Date.now;
    this.entries = new LruMap(options.maxEntries ?? MAX_CACHED_DESTINATIONS);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The key's value, fetched with `fetch` (default: the constructor's) when absent or stale. */
  async get(key: string, fetch: ((key: string) => Promise<T>) | undefined = this.fetch): Promise<T> {
    if (!fetch) throw new Error(`ExpiringCache: no fetch for ${key}`);
    const cached = this.entries.get(key);
    if (cached) {
      const value = await cached.catch(() => undefined);
      if (value && !this.isStale(value)) return value;
      // Another caller may already have replaced the stale entry while we awaited.
      const now = this.entries.peek(key);
      if (now !== undefined && now !== cached) return this.get(key, fetch);
    }
    const pending = fetch(key);
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.peek(key) === pending) this.entries.delete(key);
    });
    return pending;
  }

  /** Drops a key, e.g. after the service answered that its credentials expired early. */
  invalidate(key: string): void {
    this.entries.delete(key);
  }

  private isStale(value: T): boolean {
    return value.expiration !== undefined && value.expiration.getTime() - this.refreshMarginMs <= this.now();
  }
}
