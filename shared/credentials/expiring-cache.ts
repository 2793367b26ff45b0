import { CREDENTIAL_REFRESH_MARGIN_MS } from '../limits.js';

export interface Expiring {
  expiration?: Date;
}

export interface ExpiringCacheOptions {
  /** Entries are refreshed this long before they expire. */
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * Caches values that expire (STS credentials) per key: one fetch per key per lifetime, concurrent
 * callers share the fetch in flight, a failed fetch is not cached, and a value is replaced once it
 * is within the refresh margin of its expiry. AssumeRole is throttled per calling account, so this
 * is what keeps the broker at one AssumeRole per customer per credential lifetime.
 * (The SDK's own memoization works per client instance; this cache spans all clients of a container.)
 */
export class ExpiringCache<T extends Expiring> {
  private readonly entries = new Map<string, Promise<T>>();
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(
    private readonly fetch: (key: string) => Promise<T>,
    options: ExpiringCacheOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? CREDENTIAL_REFRESH_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  async get(key: string): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) {
      const value = await cached.catch(() => undefined);
      if (value && !this.isStale(value)) return value;
      // Another caller may already have replaced the stale entry while we awaited.
      if (this.entries.get(key) !== cached) return this.get(key);
    }
    const pending = this.fetch(key);
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
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
