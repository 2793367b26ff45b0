/**
 * Scenarios where AWS misbehaves (through the emulator's faults) or partners send garbage, while
 * the broker keeps running. Each posts valid findings for the demo customer and settles where every
 * accepted one ended.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { aBadRequest } from './bad-input.js';
import type { FaultSpec, NpmStartBroker } from './broker-process.js';
import { goodRequests, importedCount, session, type Scenario, type ScenarioContext, type Session } from './scenario-kit.js';
import { sendAll, type TrafficRequest } from './traffic.js';

const VISIBILITY_TIMEOUT_SECONDS = 2;

/** Injects faults; false (and a note) when the emulator does not know one of them. */
async function inject(broker: NpmStartBroker, current: Session, faults: FaultSpec[]): Promise<boolean> {
  for (const fault of faults) {
    const { ok, reason } = await broker.injectFault(fault);
    if (!ok) {
      current.notes.push(`the emulator refused fault kind '${fault.kind}' (${reason ?? 'unknown reason'}): scenario not run`);
      return false;
    }
  }
  return true;
}

/** Valid traffic under faults injected before it starts. */
function underFaults(name: string, description: string, faults: (current: Session, context: ScenarioContext) => FaultSpec[], flags: string[] = []): Scenario {
  return {
    name, description,
    run: (context) => session(context, flags, async (current) => {
      if (!(await inject(current.broker, current, faults(current, context)))) return false;
      const requests = goodRequests(current.destination, name, context.sizes.findings, context.sizes.findingsPerRequest, context.random);
      await sendAll(current.broker.target, requests, current.ledger, { concurrency: context.sizes.concurrency });
    }),
  };
}

/**
 * Fault budgets are small and fixed: more hits in a row than the SDK retries (3 attempts), so SQS
 * redelivery and the last-receive dead letter both come into play. One failed chunk fails its whole
 * destination for that receive (deliver does not call again), so a budget scaled to the load would
 * dead-letter all of it and show nothing else.
 */
export const FAULT_SCENARIOS: Scenario[] = [
  underFaults('baseline', 'No faults: the reference row.', () => []),
  underFaults('throttle-storm',
    'Security Hub throttles BatchImportFindings over and over, with each of its three throttling codes (429), four calls in a row each.',
    ({ destination }, context) => ['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException'].map((errorCode) =>
      ({ operation: 'BatchImportFindings', kind: 'throttle', accountId: destination.accountId, errorCode, times: 4 }))),
  underFaults('sts-throttling',
    'STS throttles AssumeRole, and the customer\'s sessions are refused as expired mid-batch, so the broker must assume the role again while STS keeps throttling.',
    ({ destination }, context) => [
      { operation: 'AssumeRole', kind: 'throttle', times: 4 },
      { operation: 'BatchImportFindings', kind: 'expired-credentials', accountId: destination.accountId, times: 2 },
    ]),
  underFaults('sts-access-denied-flaps',
    'AssumeRole answers AccessDenied now and then (IAM\'s eventual consistency after a role change), between successes.',
    ({ destination }, context) => [
      { operation: 'AssumeRole', kind: 'access-denied', times: 2 },
      { operation: 'BatchImportFindings', kind: 'expired-credentials', accountId: destination.accountId, times: 2 },
    ]),
  {
    name: 'credentials-expire-mid-batch',
    description: 'Once imports are under way, the cached session credentials are refused as expired on several consecutive imports (a revoked or timed-out session).',
    run: (context) => session(context, [], async (current) => {
      const { broker, destination, ledger } = current;
      // A little latency per import so the load is still being delivered when the session dies.
      await broker.injectFault({ operation: 'BatchImportFindings', kind: 'latency', latencyMs: 100, accountId: destination.accountId });
      const traffic = sendAll(broker.target, goodRequests(destination, 'expiring', context.sizes.findings, context.sizes.findingsPerRequest, context.random),
        ledger, { concurrency: context.sizes.concurrency });
      const deadline = Date.now() + 30_000;
      while ((await importedCount(broker, ledger)) === 0 && Date.now() < deadline) await sleep(50);
      current.facts.importedBeforeExpiry = await importedCount(broker, ledger);
      await broker.injectFault({ operation: 'BatchImportFindings', kind: 'expired-credentials', accountId: destination.accountId, times: 4 });
      await traffic;
    }),
  },
  underFaults('securityhub-5xx',
    'Security Hub answers BatchImportFindings with 500 InternalException, more times than the SDK retries.',
    ({ destination }, context) => [{ operation: 'BatchImportFindings', kind: 'server-error', accountId: destination.accountId, times: 6 }]),
  underFaults('connection-resets',
    'The connection to Security Hub and to STS is reset mid-request (no HTTP answer at all), before the import ran and, as often, after it ran (imported, but the broker never hears so).',
    ({ destination }, context) => [
      { operation: 'BatchImportFindings', kind: 'connection-reset', accountId: destination.accountId, phase: 'after-operation', times: 4 },
      { operation: 'BatchImportFindings', kind: 'connection-reset', accountId: destination.accountId, phase: 'before-operation', times: 4 },
      { operation: 'AssumeRole', kind: 'connection-reset', times: 2 },
    ]),
  underFaults('latency-beyond-visibility-timeout',
    `Security Hub takes ${VISIBILITY_TIMEOUT_SECONDS + 1.5} s per import, longer than the delivery queue's ${VISIBILITY_TIMEOUT_SECONDS} s visibility timeout: records become visible again while their delivery still runs.`,
    ({ destination }, context) => [{ operation: 'BatchImportFindings', kind: 'latency', accountId: destination.accountId,
      latencyMs: VISIBILITY_TIMEOUT_SECONDS * 1000 + 1500, times: 4 }],
    ['--visibility-timeout', String(VISIBILITY_TIMEOUT_SECONDS)]),
  {
    name: 'bad-input',
    description: 'Bad requests (random bytes, truncated or deeply nested JSON, wrong shapes, broken findings, wrong headers, oversized bodies, bad tokens) interleaved with valid ones and with valid findings mixed into broken requests.',
    run: (context) => session(context, [], async (current) => {
      const { broker, destination, ledger } = current;
      let id = 0;
      const bad = Array.from({ length: context.sizes.badRequests }, () => aBadRequest(destination, context.random, () => `bad-input-${id++}`));
      const good = goodRequests(destination, 'bad-input-good', context.sizes.findings, context.sizes.findingsPerRequest, context.random);
      const mixed = [...bad, ...good].sort(() => context.random.next() - 0.5);
      await sendAll(broker.target, mixed, ledger, { concurrency: context.sizes.concurrency });
    }),
  },
  {
    name: 'fuzz-soak',
    description: 'A longer run: valid and bad requests without pause while a random fault (throttling, 5xx, expired credentials, STS throttling, latency) is injected every second.',
    run: (context) => session(context, ['--visibility-timeout', String(VISIBILITY_TIMEOUT_SECONDS)], async (current) => {
      const { broker, destination, ledger } = current;
      const { random, sizes } = context;
      const account = destination.accountId;
      const faults: FaultSpec[] = [
        { operation: 'BatchImportFindings', kind: 'throttle', accountId: account, times: 5 },
        { operation: 'BatchImportFindings', kind: 'server-error', accountId: account, times: 4 },
        { operation: 'BatchImportFindings', kind: 'expired-credentials', accountId: account, times: 2 },
        { operation: 'AssumeRole', kind: 'throttle', times: 2 },
        { operation: 'BatchImportFindings', kind: 'latency', accountId: account, latencyMs: 800, times: 3 },
      ];
      const ends = Date.now() + sizes.soakSeconds * 1000;
      let id = 0;
      let round = 0;
      const chaos = (async () => {
        while (Date.now() < ends) {
          await broker.injectFault(random.pick(faults));
          await sleep(1000);
        }
      })();
      while (Date.now() < ends) {
        const requests: TrafficRequest[] = [
          ...goodRequests(destination, `soak-${round++}`, sizes.findingsPerRequest * sizes.concurrency, sizes.findingsPerRequest, random),
          ...Array.from({ length: sizes.concurrency }, () => aBadRequest(destination, random, () => `soak-bad-${id++}`)),
        ].sort(() => random.next() - 0.5);
        await sendAll(broker.target, requests, ledger, { concurrency: sizes.concurrency });
      }
      await chaos;
      current.facts.soakSeconds = sizes.soakSeconds;
    }),
  },
];
