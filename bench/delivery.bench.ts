/**
 * Delivery at Security Hub's quota for many customers at once, through the whole local broker (HTTP
 * front, ingest, the FIFO delivery queue, deliver with its concurrency, STS and Security Hub emulated
 * in a process of their own), against baselines measured in the same run: a direct client spending
 * one account's quota exactly (burst 30, then 10 calls/s of 100 findings), and the naive delivery of
 * peers (naive-baseline.ts). Scenarios (sizes for `--quick` in brackets):
 * 1. steady: 5 accounts x 20,000 [4,000] findings, 10 partner clients, 100- and 1,000-finding POSTs;
 * 2. hot and quiet: one account's 60,000 [12,000] backlog while nine post 100 findings every second;
 * 3. broken neighbour: as 1, but one account's role refuses the broker;
 * 4. many customers: 10,000 [1,000] registrations, findings for 1,000 [200] of them;
 * 5. naive: one finding and one AssumeRole per call, no pacing, 2,000 [500] findings.
 */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchImportFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { IMPORT_BURST, IMPORT_RATE_PER_SECOND, MAX_FINDINGS_PER_IMPORT } from '#shared/limits.js';
import { LOCAL_BROKER } from '#infra/local/stack.js';
import type { BenchRow, BenchSuite } from './bench-types.js';
import { naiveDelivery } from './naive-baseline.js';
import { startBenchStack, type BenchPartner, type BenchStack } from './support/bench-stack.js';
import { accountFigures, percentile, postLatencies, QUOTA_FINDINGS_PER_SECOND, type AccountFigures } from './support/delivery-figures.js';
import { benchFindings, postAll, requestsOf, type PostJob, type PostResult } from './support/partner-load.js';

const QUICK = process.env.BENCH_QUICK === '1';
export const SIZES = QUICK
  ? { steady: 4_000, hot: 12_000, registered: 1_000, active: 200, perActive: 50, naive: 500, warm: 200 }
  : { steady: 20_000, hot: 60_000, registered: 10_000, active: 1_000, perActive: 100, naive: 2_000, warm: 1_000 };
/** Accounts a warm-up posts to (SIZES.warm findings each). */
const WARM_ACCOUNTS = 10;
const CLIENTS = 10;
const SUITE = 'delivery';

const accountsFrom = (first: number, count: number) => Array.from({ length: count }, (_, i) => String(first + i).padStart(12, '0'));
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const row = (name: string, value: number, unit: string, extra: Partial<BenchRow> = {}): BenchRow => ({ suite: SUITE, case: name, value, unit, ...extra });

/** Findings in the DLQ by error code (each message's findings), of the given accounts. */
async function deadLettered(stack: BenchStack, accounts: Set<string>): Promise<Map<string, number>> {
  const sqs = new SQSClient({ region: stack.services.region, endpoint: stack.services.sqsIpEndpoint, useQueueUrlAsEndpoint: false,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const byCode = new Map<string, number>();
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.services.deadLetterQueueUrl, MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'], VisibilityTimeout: 300, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) break;
    for (const message of Messages) {
      if (!accounts.has(message.MessageAttributes?.AwsAccountId?.StringValue ?? '')) continue;
      const code = message.MessageAttributes?.ErrorCode?.StringValue ?? '?';
      const findings = (JSON.parse(message.Body ?? '{}') as { findings?: unknown[] }).findings?.length ?? 0;
      byCode.set(code, (byCode.get(code) ?? 0) + findings);
    }
  }
  sqs.destroy();
  return byCode;
}

interface RunMeasure {
  results: PostResult[];
  figures: Map<string, AccountFigures>;
  cpuMicrosPerFinding: number;
  brokerCpuMicros: number;
  servicesCpuMicros: number;
  peakRssMiB: number;
  /** After GC, from the end of the warm-up to the end of the run: what the process keeps growing by. */
  rssGrowthMiB: number;
  /** After GC, from the fresh process to the end of the run: the warm-up's sizing (V8's young generation, caches) included. */
  rssGrowthFromFreshMiB: number;
  heapGrowthMiB: number;
  assumeRoles: number;
  seconds: number;
}

/**
 * A warm-up load: a few of the scenario's accounts, SIZES.warm findings each, so the figures are those
 * of a warm process (JIT-compiled code, V8's heap sized, containers' clients and credentials made), as
 * a busy broker runs; cold starts are measured apart (cold-start.bench.ts).
 */
function warmUpJobs(partner: BenchPartner, accounts: string[]): PostJob[] {
  return accounts.slice(0, WARM_ACCOUNTS).map((accountId) => ({ token: partner.token, accountId, findings: benchFindings(partner, accountId, SIZES.warm, 'warm') }));
}

/**
 * Runs the warm-up, then posts the jobs (each list by its own clients, at once), waits until the broker
 * is idle, and measures. AssumeRole calls count the warm-up's too: credentials it made are reused.
 */
async function run(stack: BenchStack, loads: Array<{ jobs: PostJob[]; clients: number }>, accounts: string[], warmUp: PostJob[]): Promise<RunMeasure> {
  const assumeRoleCount = async () => (await stack.admin<{ count: number }>('GET', `counts?operation=AssumeRole&accountId=${LOCAL_BROKER.accountId}`)).count;
  const rssFresh = await stack.resetBrokerPeak();
  await postAll(stack.apiUrl, warmUp, CLIENTS);
  await stack.waitForIdle();
  const warmAssumeRoles = await assumeRoleCount();
  await stack.admin('POST', 'reset-counters');
  const rssBefore = await stack.resetBrokerPeak();
  const heapBefore = (await stack.brokerUsage()).heapUsed ?? 0;
  const [brokerBefore, servicesBefore] = [await stack.brokerUsage(), await stack.servicesUsage()];
  const started = performance.now();
  const results = (await Promise.all(loads.map(({ jobs, clients }) => postAll(stack.apiUrl, jobs, clients)))).flat();
  await stack.waitForIdle();
  const seconds = (performance.now() - started) / 1000;
  const [brokerAfter, servicesAfter] = [await stack.brokerUsage(), await stack.servicesUsage()];
  const rssAfter = await stack.resetBrokerPeak();
  const heapAfter = (await stack.brokerUsage()).heapUsed ?? 0;
  const figures = await accountFigures(stack, results, accounts);
  const delivered = [...figures.values()].reduce((sum, figure) => sum + figure.imported, 0);
  const brokerCpuMicros = brokerAfter.cpuMicros - brokerBefore.cpuMicros;
  return {
    results, figures, seconds, brokerCpuMicros,
    servicesCpuMicros: servicesAfter.cpuMicros - servicesBefore.cpuMicros,
    cpuMicrosPerFinding: brokerCpuMicros / Math.max(1, delivered),
    peakRssMiB: (brokerAfter.peakRss ?? brokerAfter.rss) / 2 ** 20,
    rssGrowthMiB: (rssAfter - rssBefore) / 2 ** 20,
    rssGrowthFromFreshMiB: (rssAfter - rssFresh) / 2 ** 20,
    heapGrowthMiB: (heapAfter - heapBefore) / 2 ** 20,
    assumeRoles: warmAssumeRoles + await assumeRoleCount(),
  };
}

/** The rows every scenario reports. */
function scenarioRows(label: string, measure: RunMeasure, accounts: string[], roles: number): BenchRow[] {
  const figures = accounts.map((account) => measure.figures.get(account)!);
  const rates = figures.map((figure) => figure.findingsPerSecond / QUOTA_FINDINGS_PER_SECOND);
  const calls = figures.reduce((sum, figure) => sum + figure.calls, 0);
  const posted = figures.reduce((sum, figure) => sum + figure.posted, 0);
  const imported = figures.reduce((sum, figure) => sum + figure.imported, 0);
  const latencies = figures.flatMap((figure) => figure.postToImportedMs);
  return [
    row(`${label}: findings/s per account vs the quota (1,000/s), lowest / mean`, Math.min(...rates), 'x', { goal: '>= 0.95', note: `mean ${mean(rates).toFixed(3)}; ${accounts.length} accounts` }),
    row(`${label}: calls carrying 100 findings`, (100 * figures.reduce((sum, figure) => sum + figure.fullCalls, 0)) / Math.max(1, calls), '%',
      { goal: '>= 99', note: `${calls} calls, ${(imported / Math.max(1, calls)).toFixed(1)} findings/call` }),
    row(`${label}: throttled import calls (all recovered when nothing is lost)`, figures.reduce((sum, figure) => sum + figure.throttledCalls, 0), 'calls', { goal: '0 unrecovered' }),
    row(`${label}: AssumeRole calls per role (warm-up included)`, measure.assumeRoles / roles, 'calls', { goal: '1', note: `${roles} roles, ${measure.assumeRoles} calls` }),
    row(`${label}: POST latency p50 / p99 (100-finding requests)`, percentile(postLatencies(measure.results, 100), 50), 'ms',
      { goal: 'p99 <= 100', note: `p99 ${percentile(postLatencies(measure.results, 100), 99)} ms; 1,000-finding p99 ${percentile(postLatencies(measure.results, 1000), 99)} ms` }),
    row(`${label}: POST-to-imported p50 / p99`, percentile(latencies, 50), 'ms', { note: `p99 ${percentile(latencies, 99)} ms` }),
    row(`${label}: broker CPU per finding delivered`, measure.cpuMicrosPerFinding, 'us',
      { goal: '<= 50', note: `emulated AWS services: ${(measure.servicesCpuMicros / Math.max(1, imported)).toFixed(1)} us/finding, in their own process` }),
    row(`${label}: broker heap growth over the run (after GC: what a leak would grow)`, measure.heapGrowthMiB, 'MiB'),
    row(`${label}: broker RSS peak (one process: the front, ingest, 5 deliver containers)`, measure.peakRssMiB, 'MiB'),
    row(`${label}: broker RSS growth over the run, after the warm-up (after GC)`, measure.rssGrowthMiB, 'MiB',
      { goal: '< 20', note: `from the fresh process: ${measure.rssGrowthFromFreshMiB.toFixed(1)} MiB` }),
    row(`${label}: findings lost (accepted, neither imported nor dead-lettered)`, posted - imported, 'findings', { goal: '0' }),
  ];
}

async function directBaseline(stack: BenchStack, findings: Array<Record<string, unknown>>, accountId: string): Promise<number> {
  const credentials = { accessKeyId: 'AKIADIRECTBENCH00001', secretAccessKey: 'direct-bench-secret' };
  await stack.admin('POST', 'access-keys', { accountId, principalArn: `arn:aws:iam::${accountId}:user/bench`, ...credentials });
  const direct = new SecurityHubClient({ endpoint: stack.services.emulatorUrl, region: stack.services.region, credentials });
  const started = performance.now();
  for (let i = 0, call = 0; i < findings.length; i += MAX_FINDINGS_PER_IMPORT, call++) {
    // Security Hub's own bucket, spent exactly: the burst at once, then the rate.
    const due = started + Math.max(0, call - IMPORT_BURST + 1) * (1000 / IMPORT_RATE_PER_SECOND);
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    await direct.send(new BatchImportFindingsCommand({ Findings: findings.slice(i, i + MAX_FINDINGS_PER_IMPORT) as unknown as AwsSecurityFinding[] }));
  }
  direct.destroy();
  return findings.length / ((performance.now() - started) / 1000);
}

async function withStack<T>(body: (stack: BenchStack) => Promise<T>): Promise<T> {
  const stack = await startBenchStack();
  try {
    return await body(stack);
  } finally {
    await stack.stop();
  }
}

export default {
  name: SUITE,
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const steadyAccounts = accountsFrom(710000000001, 5);

    // Baseline: one account's quota spent by a client that does nothing else.
    const directRate = await withStack(async (stack) => {
      const partner = await stack.addPartner('direct');
      await stack.addCustomer(partner, '719999999999');
      return directBaseline(stack, benchFindings(partner, '719999999999', SIZES.steady, 'direct'), '719999999999');
    });
    rows.push(row(`direct client at the quota (${SIZES.steady} findings, burst then 10 calls/s)`, directRate, 'findings/s', { note: 'baseline' }));

    // 1. Steady.
    process.stderr.write('  steady...\n');
    const steady = await withStack(async (stack) => {
      const partner = await stack.addPartner('steady');
      for (const account of steadyAccounts) await stack.addCustomer(partner, account);
      const jobs = steadyAccounts.flatMap((account) => requestsOf(partner.token, account, benchFindings(partner, account, SIZES.steady, 'steady'), [100, 1000]));
      // The accounts' requests interleaved, as many partners posting at once would send them.
      return run(stack, [{ jobs: interleave(jobs), clients: CLIENTS }], steadyAccounts, warmUpJobs(partner, steadyAccounts));
    });
    rows.push(...scenarioRows('1 steady', steady, steadyAccounts, steadyAccounts.length));
    const steadyRate = mean(steadyAccounts.map((account) => steady.figures.get(account)!.findingsPerSecond));
    rows.push(row('1 steady: findings/s per account vs the direct client', steadyRate / directRate, 'x'));

    // 2. Hot and quiet.
    process.stderr.write('  hot and quiet...\n');
    const hotAccount = '720000000001';
    const quietAccounts = accountsFrom(720000000002, 9);
    const hot = await withStack(async (stack) => {
      const partner = await stack.addPartner('hot');
      for (const account of [hotAccount, ...quietAccounts]) await stack.addCustomer(partner, account);
      const backlog = requestsOf(partner.token, hotAccount, benchFindings(partner, hotAccount, SIZES.hot, 'hot'), [1000]);
      const seconds = SIZES.hot / QUOTA_FINDINGS_PER_SECOND;
      const start = Date.now() + 500;
      const quiet = quietAccounts.map((account) => ({
        clients: 1,
        jobs: Array.from({ length: seconds }, (_, s) => ({ token: partner.token, accountId: account, notBefore: start + s * 1000,
          findings: benchFindings(partner, account, 100, `quiet-${s}`) })),
      }));
      return run(stack, [{ jobs: backlog, clients: CLIENTS }, ...quiet], [hotAccount, ...quietAccounts],
        warmUpJobs(partner, [hotAccount, ...quietAccounts]));
    });
    const hotFigures = hot.figures.get(hotAccount)!;
    const quietLatencies = quietAccounts.flatMap((account) => hot.figures.get(account)!.postToImportedMs);
    rows.push(row('2 hot and quiet: the hot account\'s findings/s vs the quota', hotFigures.findingsPerSecond / QUOTA_FINDINGS_PER_SECOND, 'x',
      { goal: '>= 0.95', note: `${SIZES.hot} findings backlog` }));
    rows.push(row('2 hot and quiet: quiet accounts\' POST-to-imported p50 / p99', percentile(quietLatencies, 50), 'ms',
      { goal: 'p99 <= 2,000', note: `p99 ${percentile(quietLatencies, 99)} ms; 9 accounts x 100 findings/s` }));
    rows.push(row('2 hot and quiet: throttled import calls', [...hot.figures.values()].reduce((sum, f) => sum + f.throttledCalls, 0), 'calls'));
    rows.push(row('2 hot and quiet: findings lost', [...hot.figures.values()].reduce((sum, f) => sum + f.posted - f.imported, 0), 'findings', { goal: '0' }));

    // 3. Broken neighbour.
    process.stderr.write('  broken neighbour...\n');
    const brokenAccount = steadyAccounts[4]!;
    const healthy = steadyAccounts.slice(0, 4);
    const broken = await withStack(async (stack) => {
      const partner = await stack.addPartner('steady');
      for (const account of healthy) await stack.addCustomer(partner, account);
      await stack.addCustomer(partner, brokenAccount, { trust: 'wrong-external-id' });
      const jobs = steadyAccounts.flatMap((account) => requestsOf(partner.token, account, benchFindings(partner, account, SIZES.steady, 'steady'), [100, 1000]));
      // The warm-up leaves the refused account out: its dead letters would mix with the run's.
      const measure = await run(stack, [{ jobs: interleave(jobs), clients: CLIENTS }], steadyAccounts, warmUpJobs(partner, healthy));
      return { measure, letters: await deadLettered(stack, new Set([brokenAccount])) };
    });
    const healthyRate = mean(healthy.map((account) => broken.measure.figures.get(account)!.findingsPerSecond));
    rows.push(row('3 broken neighbour: healthy accounts\' findings/s vs scenario 1\'s', healthyRate / steadyRate, 'x', { goal: '~1 (noise)' }));
    const brokenPosted = broken.measure.figures.get(brokenAccount)!.posted;
    const lettersTotal = [...broken.letters.values()].reduce((sum, n) => sum + n, 0);
    rows.push(row('3 broken neighbour: the broken account\'s findings dead-lettered', lettersTotal, 'findings',
      { note: `of ${brokenPosted}; ${[...broken.letters].map(([code, n]) => `${code} ${n}`).join(', ')}` }));
    rows.push(row('3 broken neighbour: findings lost', healthy.reduce((sum, a) => sum + broken.measure.figures.get(a)!.posted - broken.measure.figures.get(a)!.imported, 0)
      + brokenPosted - lettersTotal, 'findings'));
    rows.push(row('3 broken neighbour: AssumeRole calls', broken.measure.assumeRoles, 'calls', { note: '4 healthy roles and the refused one' }));

    // 4. Many customers.
    process.stderr.write('  many customers...\n');
    const active = accountsFrom(740000000001, SIZES.active);
    const many = await withStack(async (stack) => {
      const partner = await stack.addPartner('many');
      const registered = accountsFrom(750000000001, SIZES.registered - SIZES.active);
      await inBatches(active, 20, (account) => stack.addCustomer(partner, account));
      await inBatches(registered, 50, (account) => stack.addCustomer(partner, account, { emulated: false }));
      const jobs = active.map((account) => ({ token: partner.token, accountId: account, findings: benchFindings(partner, account, SIZES.perActive, 'many') }));
      return run(stack, [{ jobs, clients: CLIENTS }], active, warmUpJobs(partner, active));
    });
    rows.push(row(`4 many customers: broker CPU per finding (${SIZES.registered} registered, ${SIZES.active} receiving) vs scenario 1's`,
      many.cpuMicrosPerFinding / steady.cpuMicrosPerFinding, 'x', { goal: '<= 1.10', note: `${many.cpuMicrosPerFinding.toFixed(1)} us vs ${steady.cpuMicrosPerFinding.toFixed(1)} us` }));
    rows.push(row('4 many customers: POST-to-imported p50 / p99', percentile([...many.figures.values()].flatMap((f) => f.postToImportedMs), 50), 'ms',
      { note: `p99 ${percentile([...many.figures.values()].flatMap((f) => f.postToImportedMs), 99)} ms` }));
    rows.push(row('4 many customers: findings lost', [...many.figures.values()].reduce((sum, f) => sum + f.posted - f.imported, 0), 'findings', { goal: '0' }));
    rows.push(row('4 many customers: AssumeRole calls per role', many.assumeRoles / SIZES.active, 'calls'));

    // 5. Naive.
    process.stderr.write('  naive baseline...\n');
    const naive = await withStack(async (stack) => {
      const partner = await stack.addPartner('naive');
      const registration = await stack.addCustomer(partner, '760000000001');
      await stack.admin('POST', 'reset-counters');
      const outcome = await naiveDelivery({
        endpoint: stack.services.emulatorUrl, region: stack.services.region, roleArn: registration.roleArn!, externalId: registration.externalId!,
        credentials: { accessKeyId: LOCAL_BROKER.accessKeyId, secretAccessKey: LOCAL_BROKER.secretAccessKey },
        findings: benchFindings(partner, '760000000001', SIZES.naive, 'naive'), concurrency: 50,
      });
      const calls = (await stack.admin<{ count: number }>('GET', 'counts?operation=BatchImportFindings&accountId=760000000001')).count;
      return { ...outcome, calls };
    });
    const naiveRate = naive.imported / naive.seconds;
    rows.push(row(`5 naive: imported findings/s (${SIZES.naive} findings, 1 a call, an AssumeRole each, 50 at once)`, naiveRate, 'findings/s',
      { note: `${naive.lost} lost; ${naive.calls} import calls (with SDK retries)` }));
    rows.push(row('broker vs naive: findings/s per account', steadyRate / naiveRate, 'x'));
    const brokerCallsPerFinding = [...steady.figures.values()].reduce((sum, f) => sum + f.calls, 0) / (SIZES.steady * steadyAccounts.length);
    rows.push(row('naive vs broker: import calls per finding', (naive.calls / SIZES.naive) / brokerCallsPerFinding, 'x',
      { note: `naive ${(naive.calls / SIZES.naive).toFixed(2)}, broker ${brokerCallsPerFinding.toFixed(4)}` }));
    return rows;
  },
} satisfies BenchSuite;

/** Round-robin over the accounts' request lists, so no account's requests all come first. */
function interleave(jobs: PostJob[]): PostJob[] {
  const byAccount = new Map<string, PostJob[]>();
  for (const job of jobs) byAccount.set(job.accountId, [...(byAccount.get(job.accountId) ?? []), job]);
  const lists = [...byAccount.values()];
  const out: PostJob[] = [];
  for (let i = 0; out.length < jobs.length; i++) for (const list of lists) if (list[i]) out.push(list[i]!);
  return out;
}

async function inBatches<T>(items: T[], size: number, body: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(body));
}
