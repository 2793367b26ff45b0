/**
 * Which operations were called, by whom and with what answer. Counts are kept apart from the
 * detailed log so a long benchmark cannot make counting cost memory; the log keeps the latest
 * MAX_LOG entries. Emulator-only bookkeeping (AWS's nearest counterpart is CloudTrail, which is not
 * modelled).
 */
import type { CallRecord } from './types.js';

/** Assumption (emulator-only): a memory bound for benchmarks; past it the older half is dropped. */
const MAX_LOG = 100_000;

export class CallLog {
  private log: CallRecord[] = [];
  private readonly counts = new Map<string, number>();

  record(entry: CallRecord): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log = this.log.slice(-MAX_LOG / 2);
    for (const key of [entry.operation, `${entry.operation}|${entry.accountId ?? ''}`]) {
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  count(operation: string, accountId?: string): number {
    return this.counts.get(accountId === undefined ? operation : `${operation}|${accountId}`) ?? 0;
  }

  calls(): CallRecord[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.log = [];
    this.counts.clear();
  }
}
