import { setTimeout as sleep } from 'node:timers/promises';
import { IMPORT_BURST, IMPORT_RATE_PER_SECOND } from '../limits.js';
import type { QuotaState, QuotaStates } from './quota-states.js';

/**
 * How the broker spends a BatchImportFindings quota (10 requests/s, burst 30 per account+Region).
 * Assumptions (the broker's choices, not AWS limits):
 * - `burst`: 20 of Security Hub's 30 are spent, so 10 calls of headroom absorb network jitter
 *   between the broker's clock and Security Hub's, and a little traffic of another tool of the
 *   customer's, before anything is throttled.
 * - After a throttled call the rate halves (down to `minRate`), at most once per `decreaseEveryMs`
 *   (throttled calls in a row are one congestion event, not one halving each), and grows back by
 *   `increase` per successful call and by `recoveryPerSecond` per idle second (additive increase,
 *   multiplicative decrease): when another tool shares the quota, the broker backs off instead of
 *   storming, and comes back to the full rate within seconds once the quota is free again.
 */
export const PACING = {
  rate: IMPORT_RATE_PER_SECOND,
  burst: IMPORT_BURST - 10,
  minRate: 1,
  decreaseEveryMs: 1000,
  increase: 1,
  recoveryPerSecond: 1,
} as const;

export interface PacerOptions {
  /** No wait may end after this (ms since the epoch): the invocation must keep time to settle its records. */
  deadline: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Paces one deliver invocation's BatchImportFindings calls per quota key (quota-key.ts) with a token
 * bucket whose state outlives the invocation in `states` (the registry table): the delivery queue is
 * FIFO with the quota key as message group, so SQS hands a key's messages to one invocation at a
 * time, and an invocation that loads the bucket where the previous one left it paces the whole
 * fleet's calls for that key exactly, whichever container it runs in. A bucket that cannot be loaded
 * starts empty (at worst one call's wait); one never seen starts full.
 * Hand-written because the maintained throttling packages (p-throttle, p-limit, bottleneck) keep
 * their state in memory or in Redis, not in DynamoDB between invocations.
 *
 * `take` reserves a token (callers queue in order) and waits for it; it returns false, reserving
 * nothing, when the wait would end after the deadline: the caller re-queues those findings.
 */
export class ImportPacer {
  private readonly buckets = new Map<string, Promise<QuotaState>>();
  private readonly lastDecrease = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<unknown>;

  constructor(
    private readonly states: QuotaStates,
    private readonly options: PacerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  async take(key: string): Promise<boolean> {
    const bucket = await this.bucket(key);
    const now = this.now();
    refill(bucket, now);
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return true;
    const waitMs = Math.ceil((-bucket.tokens / bucket.rate) * 1000);
    if (now + waitMs > this.options.deadline) {
      bucket.tokens += 1;
      return false;
    }
    await this.sleep(waitMs);
    return true;
  }

  /** Security Hub throttled a call for this key anyway (another caller shares the quota): back off. */
  async throttled(key: string): Promise<void> {
    const bucket = await this.bucket(key);
    const now = this.now();
    refill(bucket, now);
    const last = this.lastDecrease.get(key);
    if (last === undefined || now - last >= PACING.decreaseEveryMs) {
      bucket.rate = Math.max(PACING.minRate, bucket.rate / 2);
      this.lastDecrease.set(key, now);
    }
    // Whatever was left of the burst is gone (Security Hub's bucket is empty); no debt beyond that, so
    // the next call waits one token at the halved rate.
    bucket.tokens = Math.min(bucket.tokens, 0);
  }

  async succeeded(key: string): Promise<void> {
    const bucket = await this.bucket(key);
    bucket.rate = Math.min(PACING.rate, bucket.rate + PACING.increase);
  }

  /** Hands each bucket used to the next invocation. Keys whose state could not be saved are returned. */
  async close(): Promise<string[]> {
    const unsaved: string[] = [];
    await Promise.all([...this.buckets].map(async ([key, pending]) => {
      const bucket = await pending;
      refill(bucket, this.now());
      try {
        await this.states.save(key, bucket);
      } catch {
        unsaved.push(key);
      }
    }));
    this.buckets.clear();
    return unsaved;
  }

  private bucket(key: string): Promise<QuotaState> {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = this.load(key);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private async load(key: string): Promise<QuotaState> {
    const now = this.now();
    let stored: QuotaState | undefined;
    try {
      stored = await this.states.load(key);
    } catch {
      return { tokens: 0, rate: PACING.rate, at: now };
    }
    if (!stored) return { tokens: PACING.burst, rate: PACING.rate, at: now };
    const idleSeconds = Math.max(0, now - stored.at) / 1000;
    const bucket = { ...stored, rate: Math.min(PACING.rate, Math.max(PACING.minRate, stored.rate) + idleSeconds * PACING.recoveryPerSecond) };
    refill(bucket, now);
    return bucket;
  }
}

function refill(bucket: QuotaState, now: number): void {
  if (now > bucket.at) {
    bucket.tokens = Math.min(PACING.burst, bucket.tokens + ((now - bucket.at) / 1000) * bucket.rate);
    bucket.at = now;
  }
}
