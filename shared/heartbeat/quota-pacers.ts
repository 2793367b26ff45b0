import { ImportPacer } from '../delivery/import-pacer.js';
import type { QuotaStates } from '../delivery/quota-states.js';

/**
 * One ImportPacer per quota key for a heartbeat round, each closed (its bucket saved) as soon as the
 * key's last destination is done instead of at the end of the round. DynamoQuotaStates writes a
 * bucket without a condition because the FIFO delivery queue gives each key to one deliver invocation
 * at a time (quota-states.ts); heartbeats are a second writer of the same items, outside that queue.
 * Saving each key right after its heartbeat (usually one call) keeps the window in which a deliver
 * invocation's save and the heartbeat's can cross to that call, not the whole round. Assumption (the
 * broker's choice): a save lost in that window costs at most a few throttled calls, which the pacer
 * backs off from (import-pacer.ts); it cannot lose findings.
 */
export class QuotaPacers {
  private readonly open = new Map<string, ImportPacer>();
  private readonly pending = new Map<string, number>();

  /** `keys`: the quota key of every destination the round may visit (repeats count). */
  constructor(
    private readonly states: QuotaStates,
    private readonly deadline: number,
    keys: readonly string[],
  ) {
    for (const key of keys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  pacerFor(key: string): ImportPacer {
    let pacer = this.open.get(key);
    if (!pacer) {
      pacer = new ImportPacer(this.states, { deadline: this.deadline });
      this.open.set(key, pacer);
    }
    return pacer;
  }

  /** One destination of `key` is done: the key's bucket is saved once none is left. */
  async done(key: string): Promise<void> {
    const left = (this.pending.get(key) ?? 1) - 1;
    this.pending.set(key, left);
    if (left > 0) return;
    const pacer = this.open.get(key);
    this.open.delete(key);
    await pacer?.close();
  }

  /** Saves what is still open (destinations the round had no time for). */
  async closeAll(): Promise<void> {
    const open = [...this.open.values()];
    this.open.clear();
    await Promise.all(open.map((pacer) => pacer.close()));
  }
}
