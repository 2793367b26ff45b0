/**
 * What a delivery scenario measured, read off the emulator's import log and call counts and the
 * partners' POST results: per account, findings/s against Security Hub's quota, calls and how full
 * they were, throttled calls, POST and POST-to-imported latency, and what was lost.
 */
import { IMPORT_RATE_PER_SECOND, MAX_FINDINGS_PER_IMPORT } from '#shared/limits.js';
import type { BenchStack } from './bench-stack.js';
import { percentile, type PostResult } from './partner-load.js';

/** The sustained quota: 10 calls/s of 100 findings (the burst of 30 calls only shortens the first 3 s). */
export const QUOTA_FINDINGS_PER_SECOND = IMPORT_RATE_PER_SECOND * MAX_FINDINGS_PER_IMPORT;

export interface AccountFigures {
  accountId: string;
  posted: number;
  imported: number;
  findingsPerSecond: number;
  calls: number;
  fullCalls: number;
  meanFindingsPerCall: number;
  throttledCalls: number;
  postToImportedMs: number[];
}

interface ImportLog {
  calls: Array<{ accountId: string; region: string; at: number; findings: number; stored: number }>;
  firstStored: Array<[string, string, string, number]>;
}

export async function accountFigures(stack: BenchStack, results: PostResult[], accounts: string[]): Promise<Map<string, AccountFigures>> {
  const log = await stack.admin<ImportLog>('GET', 'import-log');
  const stored = new Map<string, number>();
  for (const [accountId, , id, at] of log.firstStored) stored.set(`${accountId}|${id}`, at);
  const figures = new Map<string, AccountFigures>();
  for (const accountId of accounts) {
    const posts = results.filter((result) => result.accountId === accountId && result.accepted > 0);
    const latencies: number[] = [];
    let last = 0;
    for (const post of posts) {
      for (const id of post.ids) {
        const at = stored.get(`${accountId}|${id}`);
        if (at === undefined) continue;
        latencies.push(at - post.endedAt);
        last = Math.max(last, at);
      }
    }
    const first = Math.min(...posts.map((post) => post.startedAt));
    const calls = log.calls.filter((call) => call.accountId === accountId);
    const total = (await stack.admin<{ count: number }>('GET', `counts?operation=BatchImportFindings&accountId=${accountId}`)).count;
    figures.set(accountId, {
      accountId,
      posted: posts.reduce((sum, post) => sum + post.accepted, 0),
      imported: latencies.length,
      findingsPerSecond: latencies.length / Math.max(0.001, (last - first) / 1000),
      calls: calls.length,
      fullCalls: calls.filter((call) => call.findings === MAX_FINDINGS_PER_IMPORT).length,
      meanFindingsPerCall: calls.reduce((sum, call) => sum + call.findings, 0) / Math.max(1, calls.length),
      throttledCalls: total - calls.length,
      postToImportedMs: latencies,
    });
  }
  return figures;
}

export function postLatencies(results: PostResult[], size?: number): number[] {
  return results.filter((result) => size === undefined || result.findings === size).map((result) => result.endedAt - result.startedAt);
}

export { percentile };
