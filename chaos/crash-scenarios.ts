/**
 * SIGKILL of the whole `npm start` process group, then `npm start` again on the same data dir and
 * state file. What survives a kill is what the broker put in SQS (fauxqs writes through to SQLite)
 * and DynamoDB; whatever was in flight must come back from the queue.
 *
 * The emulated Security Hub lives in the killed process. Once it persists its findings under the
 * data dir (emulator/persistence..., another change), imports before the kill are read back after
 * the restart like any other. Until then a snapshot taken just before the kill stands in for them;
 * so that nothing is imported between that snapshot and the kill, new imports are held first (a
 * long latency fault) and the ones already running are given time to finish.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { emulatorPersistenceInstalled, type NpmStartBroker } from './broker-process.js';
import type { Finding } from './findings.js';
import type { Observed } from './ledger.js';
import { goodRequests, importedCount, session, type Scenario, type Session } from './scenario-kit.js';
import { sendAll } from './traffic.js';

const HOLD_MS = 120_000;
/** Longer than any import already past the fault check takes to finish (the per-import latency below, and then some). */
const SETTLE_MS = 600;
const IMPORT_LATENCY_MS = 150;

/**
 * Kills the broker; returns the findings Security Hub held just before. With a durable emulator
 * the kill comes at once, wherever delivery is; without, imports are held first (see above).
 */
async function killBroker(broker: NpmStartBroker, current: Session, durable: boolean): Promise<Finding[]> {
  if (!durable) {
    await broker.injectFault({ operation: 'BatchImportFindings', kind: 'latency', latencyMs: HOLD_MS });
    await sleep(SETTLE_MS);
  }
  const before = await broker.importedFindings();
  await broker.kill();
  current.facts.emulatorDurable = durable;
  return before;
}

/** After the restart: checks the durability claim, and counts the pre-kill snapshot when the emulator is not durable. */
function accountAcrossRestart(current: Session, before: Finding[], durable: boolean): void {
  current.adjust = (observed: Observed): Observed => {
    const after = new Set(observed.imported.map((finding) => String(finding.Id)));
    const missing = before.filter((finding) => !after.has(String(finding.Id)));
    if (durable && missing.length > 0) current.notes.push(`${missing.length} findings imported before the kill were gone after the restart, although emulator persistence is installed`);
    if (!durable) {
      current.notes.push('the emulator does not persist findings yet: imports before the kill are counted from a snapshot taken with new imports held');
      return { ...observed, imported: [...observed.imported, ...missing] };
    }
    return observed;
  };
}

export const CRASH_SCENARIOS: Scenario[] = [
  {
    name: 'sigkill-mid-delivery',
    description: 'All findings accepted; once Security Hub holds some of them but not all, SIGKILL to the whole npm start process group (batches half imported, records in flight), then npm start again on the same data dir.',
    run: (context) => session(context, ['--visibility-timeout', '2'], async (current) => {
      const { broker, destination, ledger } = current;
      const durable = emulatorPersistenceInstalled();
      // Imports take a little while, so the kill finds batches part-way through.
      await broker.injectFault({ operation: 'BatchImportFindings', kind: 'latency', latencyMs: IMPORT_LATENCY_MS, accountId: destination.accountId });
      const requests = goodRequests(destination, 'mid-delivery', context.sizes.findings, context.sizes.findingsPerRequest, context.random);
      await sendAll(broker.target, requests, ledger, { concurrency: context.sizes.concurrency });
      const threshold = Math.max(1, Math.floor(ledger.acceptedCount * 0.2));
      const deadline = Date.now() + 30_000;
      let imported = 0;
      while ((imported = await importedCount(broker, ledger)) < threshold && Date.now() < deadline) await sleep(25);
      const before = await killBroker(broker, current, durable);
      const ours = before.filter((finding) => ledger.isPosted(String(finding.Id))).length;
      current.facts.importedBeforeKill = ours;
      current.facts.killedMidDelivery = ours > 0 && ours < ledger.acceptedCount;
      if (!current.facts.killedMidDelivery) current.notes.push(`the kill came with ${ours} of ${ledger.acceptedCount} imported (seen ${imported} before it): not mid-delivery`);
      await broker.restart();
      accountAcrossRestart(current, before, durable);
    }),
  },
  {
    name: 'sigkill-mid-ingest',
    description: 'SIGKILL to the whole npm start process group while POSTs are in flight, then npm start again on the same data dir; the partner sends again the requests that got no reply.',
    run: (context) => session(context, ['--visibility-timeout', '2'], async (current) => {
      const { broker, destination, ledger } = current;
      const { sizes } = context;
      const durable = emulatorPersistenceInstalled();
      // Without a durable emulator, delivery waits until after the restart (nothing imported is then lost with the process).
      if (!durable) await broker.injectFault({ operation: 'BatchImportFindings', kind: 'latency', latencyMs: HOLD_MS });
      const requests = goodRequests(destination, 'mid-ingest', sizes.findings, Math.max(5, Math.floor(sizes.findingsPerRequest / 2)), context.random);
      let replies = 0;
      let killed = false;
      let killing: Promise<Finding[]> | undefined;
      const killAfter = Math.max(2, Math.floor(requests.length / 3));
      let acceptedAtKill = 0;
      let inFlightAtKill = 0;
      const run = await sendAll(() => broker.target, requests, ledger, {
        concurrency: sizes.concurrency,
        stop: () => killed,
        onReply: () => {
          if (++replies !== killAfter) return;
          acceptedAtKill = ledger.acceptedCount;
          killing = (async () => {
            inFlightAtKill = ledger.inFlight;
            const before = durable ? await broker.importedFindings() : [];
            await broker.kill();
            killed = true;
            return before;
          })();
        },
      });
      const before = (await killing) ?? [];
      current.facts.emulatorDurable = durable;
      current.facts.repliesBeforeKill = replies;
      current.facts.unanswered = run.unanswered.length;
      current.facts.acceptedBeforeKill = acceptedAtKill;
      current.facts.inFlightAtKill = inFlightAtKill;
      current.facts.killedMidIngest = inFlightAtKill > 0 && acceptedAtKill > 0;
      if (!current.facts.killedMidIngest) current.notes.push(`the kill found ${inFlightAtKill} requests in flight: not mid-ingest`);
      await broker.restart();
      // The partner's retry of everything that got no answer (same findings, same UpdatedAt).
      const retry = await sendAll(broker.target, run.unanswered, ledger, { concurrency: sizes.concurrency });
      if (retry.unanswered.length > 0) current.notes.push(`${retry.unanswered.length} requests got no reply even after the restart`);
      accountAcrossRestart(current, before, durable);
    }),
  },
];
