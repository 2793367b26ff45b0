/**
 * Token buckets, one per key (Security Hub throttles BatchImportFindings "per account per Region",
 * https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html).
 * Refill follows the emulator clock, so advancing the clock refills a drained bucket at once.
 * Assumption: AWS gives Security Hub's quotas as a rate and a burst (also botocore
 * securityhub/2018-10-26/service-2.json, service documentation: "RateLimit of 10 requests per second.
 * BurstLimit of 30") but not the algorithm; a token bucket that refills continuously at the rate and
 * holds at most the burst is the usual reading of that pair.
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
    // Assumption: a key's first request finds a full bucket (the whole burst is available at once).
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, refilledAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * this.ratePerSecond);
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
