/**
 * Emulator-only bookkeeping for benchmarks (no AWS counterpart; CloudTrail is the nearest and does
 * not log finding ids): each successful BatchImportFindings call with how many findings it carried,
 * and when each finding was first stored. In memory only, like the call log, and bounded: past
 * MAX_LOGGED_FINDINGS findings it stops noting first-store times (the call sizes are kept).
 */
const MAX_LOGGED_FINDINGS = 2_000_000;
const MAX_LOGGED_CALLS = 1_000_000;

export interface ImportCall {
  accountId: string;
  region: string;
  /** Emulator clock, epoch milliseconds. */
  at: number;
  /** Findings in the request; `stored` of them were created or updated (the rest failed or were not newer). */
  findings: number;
  stored: number;
}

export class ImportLog {
  private calls: ImportCall[] = [];
  private readonly firstStored = new Map<string, number>();

  /** `stored`: the findings created or updated, as [their AwsAccountId, Id] (the caller's account in partner-account imports differs). */
  record(call: ImportCall, stored: ReadonlyArray<readonly [string, string]>): void {
    if (this.calls.length < MAX_LOGGED_CALLS) this.calls.push(call);
    for (const [accountId, id] of stored) {
      if (this.firstStored.size >= MAX_LOGGED_FINDINGS) break;
      const key = `${accountId}|${call.region}|${id}`;
      if (!this.firstStored.has(key)) this.firstStored.set(key, call.at);
    }
  }

  /** The calls (by calling account), and each finding's first store time as [AwsAccountId, region, Id, at], optionally of one account. */
  read(accountId?: string): { calls: ImportCall[]; firstStored: Array<[string, string, string, number]> } {
    const calls = accountId === undefined ? this.calls : this.calls.filter((call) => call.accountId === accountId);
    const firstStored: Array<[string, string, string, number]> = [];
    for (const [key, at] of this.firstStored) {
      const [account, region, ...id] = key.split('|');
      if (accountId === undefined || account === accountId) firstStored.push([account!, region!, id.join('|'), at]);
    }
    return { calls, firstStored };
  }

  reset(): void {
    this.calls = [];
    this.firstStored.clear();
  }
}
