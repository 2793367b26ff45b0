/**
 * Partners' load for the benchmark: POST requests pulled from one shared list by a fixed number of
 * concurrent clients (each waits for its reply before the next request, as a partner's uploader
 * does), with each request's latency and completion time, so a finding's POST-to-imported latency
 * can be taken against the emulator's import log.
 */
import { aFinding } from '../../test/shared/asff/finding-factory.js';
import type { BenchPartner } from './bench-stack.js';

export type Finding = Record<string, unknown>;

export interface PostJob {
  token: string;
  accountId: string;
  findings: Finding[];
  /** Not before this time (ms since the epoch): paced partners post on a schedule. */
  notBefore?: number;
}

export interface PostResult {
  accountId: string;
  findings: number;
  status: number;
  accepted: number;
  startedAt: number;
  endedAt: number;
  ids: string[];
}

/** Findings of about 1.5 KB each (a typical vulnerability finding with one resource). */
export function benchFindings(partner: BenchPartner, accountId: string, count: number, prefix: string): Finding[] {
  return Array.from({ length: count }, (_, i) => aFinding({
    Id: `${prefix}-${i}`, ProductArn: partner.productArn, AwsAccountId: accountId,
    Description: `Finding ${i} of ${prefix}: ${'x'.repeat(600)}`,
    Resources: [{ Type: 'AwsEc2Instance', Id: `arn:aws:ec2:us-east-1:${accountId}:instance/i-${String(i).padStart(17, '0')}`,
      Details: { Other: { Note: 'y'.repeat(300) } } }],
  }));
}

/** Splits findings into requests of the given sizes, in turn (e.g. [100, 1000]). */
export function requestsOf(token: string, accountId: string, findings: Finding[], sizes: number[]): PostJob[] {
  const jobs: PostJob[] = [];
  for (let offset = 0, turn = 0; offset < findings.length; turn++) {
    const size = sizes[turn % sizes.length]!;
    jobs.push({ token, accountId, findings: findings.slice(offset, offset + size) });
    offset += size;
  }
  return jobs;
}

export async function postAll(apiUrl: string, jobs: PostJob[], clients: number): Promise<PostResult[]> {
  const results: PostResult[] = [];
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      if (job.notBefore && job.notBefore > Date.now()) await new Promise((resolve) => setTimeout(resolve, job.notBefore! - Date.now()));
      const body = JSON.stringify({ Findings: job.findings });
      const startedAt = Date.now();
      const response = await fetch(`${apiUrl}/v1/findings`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` }, body,
      });
      const reply = (await response.json()) as { accepted?: number };
      results.push({ accountId: job.accountId, findings: job.findings.length, status: response.status, accepted: reply.accepted ?? 0,
        startedAt, endedAt: Date.now(), ids: job.findings.map((f) => String(f.Id)) });
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return results;
}

/** The p-th percentile (0-100) of the values, nearest rank; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
