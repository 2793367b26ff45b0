/**
 * Token buckets, one per key (Security Hub throttles BatchImportFindings per account per Region).
 * Refill follows the emulator clock, so advancing the clock refills a drained bucket at once.
 */
import type { Clock } from './clock.js';

interface Bucket {
  tokens: number;
  refilledAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes one token; false when the bucket is empty (the request is throttled). */
  take(key: string): boolean {
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, refilledAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * this.ratePerSecond);
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
