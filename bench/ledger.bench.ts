/**
 * What the finding ledger costs and saves, against baselines measured in the same run:
 * 1. cost: the same steady load (5 accounts, 100- and 1,000-finding POSTs, after a warm-up) through a
 *    broker without the ledger and one with it: broker CPU per finding and DynamoDB requests per
 *    finding, by operation (dynalite counts what it serves);
 * 2. saving: a partner's rescan that resends every finding unchanged but for UpdatedAt, with
 *    change-only delivery (the default) and without it: BatchImportFindings calls and findings
 *    Security Hub stored (each a billed ingestion event).
 * Sizes for `--quick` in brackets.
 */
import type { BenchRow, BenchSuite } from './bench-types.js';
import { startBenchStack, type BenchStack } from './support/bench-stack.js';
import { benchFindings, postAll, requestsOf, type PostJob } from './support/partner-load.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = QUICK ? { perAccount: 2_000, rescan: 2_000, warm: 200 } : { perAccount: 6_000, rescan: 10_000, warm: 1_000 };
const ACCOUNTS = ['770000000001', '770000000002', '770000000003', '770000000004', '770000000005'];
const CLIENTS = 10;
const SUITE = 'ledger';

const row = (name: string, value: number, unit: string, extra: Partial<BenchRow> = {}): BenchRow => ({ suite: SUITE, case: name, value, unit, ...extra });
const later = (iso: unknown, ms: number) => new Date(Date.parse(String(iso)) + ms).toISOString();

interface CostMeasure {
  cpuMicrosPerFinding: number;
  dynamoPerFinding: Record<string, number>;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);

/** The steady load on a fresh stack, after a warm-up: broker CPU and DynamoDB requests per finding delivered. */
async function cost(withoutLedger: boolean): Promise<CostMeasure> {
  const stack = await startBenchStack({ withoutLedger });
  try {
    const partner = await stack.addPartner('ledger');
    for (const account of ACCOUNTS) await stack.addCustomer(partner, account);
    await postAll(stack.apiUrl, ACCOUNTS.map((accountId) => ({ token: partner.token, accountId, findings: benchFindings(partner, accountId, SIZES.warm, 'warm') })), CLIENTS);
    await stack.waitForIdle();
    const [brokerBefore, servicesBefore] = [await stack.brokerUsage(), await stack.servicesUsage()];
    const jobs = ACCOUNTS.flatMap((accountId) => requestsOf(partner.token, accountId, benchFindings(partner, accountId, SIZES.perAccount, 'steady'), [100, 1000]));
    await postAll(stack.apiUrl, jobs, CLIENTS);
    await stack.waitForIdle();
    const [brokerAfter, servicesAfter] = [await stack.brokerUsage(), await stack.servicesUsage()];
    const findings = ACCOUNTS.length * SIZES.perAccount;
    const dynamoPerFinding: Record<string, number> = {};
    for (const [operation, count] of Object.entries(servicesAfter.dynamoRequests ?? {})) {
      const delta = count - (servicesBefore.dynamoRequests?.[operation] ?? 0);
      if (delta > 0) dynamoPerFinding[operation] = delta / findings;
    }
    return { cpuMicrosPerFinding: (brokerAfter.cpuMicros - brokerBefore.cpuMicros) / findings, dynamoPerFinding };
  } finally {
    await stack.stop();
  }
}

interface RescanMeasure {
  calls: number;
  stored: number;
}

/** Import calls and findings stored by Security Hub (billed events) during one round of posts. */
async function round(stack: BenchStack, jobs: PostJob[], accountId: string): Promise<RescanMeasure> {
  await stack.admin('POST', 'reset-counters');
  await postAll(stack.apiUrl, jobs, CLIENTS);
  await stack.waitForIdle();
  const log = await stack.admin<{ calls: Array<{ stored: number }> }>('GET', `import-log?accountId=${accountId}`);
  return { calls: log.calls.length, stored: log.calls.reduce((total, call) => total + call.stored, 0) };
}

async function rescan(): Promise<{ first: RescanMeasure; changeOnly: RescanMeasure; everyVersion: RescanMeasure }> {
  const stack = await startBenchStack();
  try {
    const partner = await stack.addPartner('rescanner');
    const accountId = '780000000001';
    await stack.addCustomer(partner, accountId);
    const findings = benchFindings(partner, accountId, SIZES.rescan, 'rescan');
    const scan = (hours: number) => requestsOf(partner.token, accountId,
      findings.map((finding) => ({ ...finding, UpdatedAt: later(finding.UpdatedAt, hours * 3_600_000) })), [1000]);
    const first = await round(stack, scan(0), accountId);
    const changeOnly = await round(stack, scan(1), accountId);
    const record = (await stack.registry.getPartner(partner.partnerId))!;
    await stack.registry.putPartner({ ...record, changeOnly: false });
    const everyVersion = await round(stack, scan(2), accountId);
    return { first, changeOnly, everyVersion };
  } finally {
    await stack.stop();
  }
}

export default {
  name: SUITE,
  async run(): Promise<BenchRow[]> {
    process.stderr.write('  cost without and with the ledger...\n');
    const without = await cost(true);
    const withLedger = await cost(false);
    const rows: BenchRow[] = [
      row('broker CPU per finding without the ledger (baseline)', without.cpuMicrosPerFinding, 'us', { note: `${ACCOUNTS.length} accounts x ${SIZES.perAccount}` }),
      row('broker CPU per finding with the ledger', withLedger.cpuMicrosPerFinding, 'us', { ratioToBaseline: withLedger.cpuMicrosPerFinding / without.cpuMicrosPerFinding }),
      row('DynamoDB requests per finding without the ledger', sum(without.dynamoPerFinding), 'requests',
        { note: Object.entries(without.dynamoPerFinding).map(([op, n]) => `${op} ${n.toFixed(3)}`).join(', ') }),
      row('DynamoDB requests per finding with the ledger', sum(withLedger.dynamoPerFinding), 'requests',
        { note: Object.entries(withLedger.dynamoPerFinding).map(([op, n]) => `${op} ${n.toFixed(3)}`).join(', ') }),
    ];
    process.stderr.write('  rescan...\n');
    const { first, changeOnly, everyVersion } = await rescan();
    rows.push(
      row(`rescan of ${SIZES.rescan} findings: first scan, import calls / billed events`, first.calls, 'calls', { note: `${first.stored} findings stored (billed)` }),
      row('rescan, unchanged but for UpdatedAt, change-only delivery (default): import calls / billed events', changeOnly.calls, 'calls',
        { note: `${changeOnly.stored} findings stored (billed)` }),
      row('rescan, unchanged but for UpdatedAt, every version imported: import calls / billed events', everyVersion.calls, 'calls',
        { note: `${everyVersion.stored} findings stored (billed)` }),
    );
    return rows;
  },
} satisfies BenchSuite;
