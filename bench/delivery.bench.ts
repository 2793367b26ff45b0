/**
 * Delivery throughput for one customer account+Region through the whole local broker (HTTP front,
 * ingest, SQS, deliver, STS + Security Hub emulator), against a baseline measured in the same run:
 * one client calling BatchImportFindings directly, 100 findings a call, paced at Security Hub's own
 * quota (10 requests/s, burst 30). The ratio says how close the broker runs to the quota; the
 * AssumeRole and throttle counts say whether it got there honestly.
 */
import { BatchImportFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { IMPORT_BURST, IMPORT_RATE_PER_SECOND } from '#shared/limits.js';
import type { BenchRow, BenchSuite } from './bench-types.js';
import { addCustomer, addPartner, findingsFor, postFindings, startBroker } from '../test/support/local-broker.js';

const FINDINGS = 6_000;
const PER_REQUEST = 1_000;
const BROKER_CUSTOMER = '777777777777';
const DIRECT_CUSTOMER = '888888888888';

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export default {
  name: 'delivery',
  async run(): Promise<BenchRow[]> {
    const stack = await startBroker({ visibilityTimeoutSeconds: 30 });
    try {
      const partner = await addPartner(stack, 'bench');
      await addCustomer(stack, partner, { accountId: BROKER_CUSTOMER });
      await addCustomer(stack, partner, { accountId: DIRECT_CUSTOMER });
      const state = stack.emulator.state;

      // Baseline: the quota itself, spent by a client that does nothing else.
      const direct = new SecurityHubClient({
        endpoint: stack.emulator.url, region: stack.region,
        credentials: { accessKeyId: 'AKIADIRECTBENCH00001', secretAccessKey: 'direct-bench-secret' },
      });
      state.addAccessKey({ accountId: DIRECT_CUSTOMER, principalArn: `arn:aws:iam::${DIRECT_CUSTOMER}:user/bench`,
        accessKeyId: 'AKIADIRECTBENCH00001', secretAccessKey: 'direct-bench-secret' });
      const directFindings = findingsFor(partner, DIRECT_CUSTOMER, FINDINGS, 'direct');
      const directStart = performance.now();
      for (let i = 0, call = 0; i < directFindings.length; i += 100, call++) {
        // Security Hub's own bucket, spent exactly: the burst at once, then the rate.
        const due = directStart + Math.max(0, call - IMPORT_BURST + 1) * (1000 / IMPORT_RATE_PER_SECOND);
        if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
        await direct.send(new BatchImportFindingsCommand({ Findings: directFindings.slice(i, i + 100) as unknown as AwsSecurityFinding[] }));
      }
      const directSeconds = (performance.now() - directStart) / 1000;
      direct.destroy();

      // The broker: partner POSTs, then wait until every finding is in the customer's hub.
      state.resetCounters();
      const rssBefore = process.memoryUsage().rss;
      const findings = findingsFor(partner, BROKER_CUSTOMER, FINDINGS, 'broker');
      const start = performance.now();
      for (let i = 0; i < findings.length; i += PER_REQUEST) {
        const reply = await postFindings(stack, partner.token, { Findings: findings.slice(i, i + PER_REQUEST) });
        if (reply.status !== 202) throw new Error(`POST answered ${reply.status}`);
      }
      const postedSeconds = (performance.now() - start) / 1000;
      await until(() => state.findings(BROKER_CUSTOMER, stack.region).length >= FINDINGS, 120_000);
      const brokerSeconds = (performance.now() - start) / 1000;
      const calls = state.calls().filter((call) => call.accountId === BROKER_CUSTOMER && call.operation === 'BatchImportFindings');

      const directRate = FINDINGS / directSeconds;
      const brokerRate = FINDINGS / brokerSeconds;
      return [
        { suite: 'delivery', case: `direct BatchImportFindings at the quota (${FINDINGS} findings)`, value: directRate, unit: 'findings/s' },
        { suite: 'delivery', case: `broker end to end, POST to imported (${FINDINGS} findings)`, value: brokerRate, unit: 'findings/s', ratioToBaseline: brokerRate / directRate },
        { suite: 'delivery', case: 'ingest: POST of 1,000-finding requests', value: FINDINGS / postedSeconds, unit: 'findings/s' },
        { suite: 'delivery', case: 'BatchImportFindings calls (ideal: findings/100)', value: calls.length, unit: 'calls', note: `ideal ${Math.ceil(FINDINGS / 100)}` },
        { suite: 'delivery', case: 'throttled import calls', value: calls.filter((call) => call.status === 429).length, unit: 'calls' },
        { suite: 'delivery', case: 'AssumeRole calls', value: state.callCount('AssumeRole', stack.brokerAccountId), unit: 'calls', note: 'ideal 1' },
        { suite: 'delivery', case: 'RSS growth during the run', value: (process.memoryUsage().rss - rssBefore) / 1024 / 1024, unit: 'MiB' },
      ];
    } finally {
      await stack.stop();
    }
  },
} satisfies BenchSuite;
