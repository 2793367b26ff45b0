/**
 * What every scenario shares: its sizes, its result, and `session`, which runs one scenario body
 * against a fresh `npm start` on a fresh data dir, then drains the delivery queue (bounded), reads
 * where every finding ended, and settles the ledger.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NpmStartBroker } from './broker-process.js';
import { findingsFor, type Destination } from './findings.js';
import { Ledger, type Observed, type Tally } from './ledger.js';
import type { Random } from './random.js';
import type { TrafficRequest } from './traffic.js';

export interface Sizes {
  /** Valid findings per scenario (a crash or fault scenario's whole load). */
  findings: number;
  findingsPerRequest: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Bad requests in the bad-input scenario. */
  badRequests: number;
  soakSeconds: number;
  /** How long a scenario waits for the delivery queue to drain before it counts what is left as lost. */
  drainTimeoutMs: number;
}

export const SIZES = {
  small: { findings: 300, findingsPerRequest: 15, concurrency: 4, badRequests: 60, soakSeconds: 10, drainTimeoutMs: 30_000 },
  full: { findings: 1500, findingsPerRequest: 50, concurrency: 8, badRequests: 400, soakSeconds: 30, drainTimeoutMs: 60_000 },
} as const satisfies Record<string, Sizes>;

export interface ScenarioContext {
  sizes: Sizes;
  random: Random;
  log: (line: string) => void;
}

export interface ScenarioOutcome {
  /** False when this emulator cannot stage the scenario (a fault kind it lacks): no numbers then. */
  available: boolean;
  tally?: Tally;
  peakRssMb?: number;
  /** What happened that the numbers do not say (kill timing, drain, emulator durability). */
  notes: string[];
  /** Scenario-specific measurements, e.g. findings imported before the kill. */
  facts?: Record<string, number | boolean>;
}

export interface Scenario {
  name: string;
  description: string;
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}

export interface Session {
  broker: NpmStartBroker;
  ledger: Ledger;
  destination: Destination;
  notes: string[];
  facts: Record<string, number | boolean>;
  /** Replaces what `observe` reads after the drain (crash scenarios add a snapshot taken before the kill). */
  adjust?: (observed: Observed) => Observed;
}

/** Runs `body` against a fresh npm start; a body returning false means "cannot stage this here". */
export async function session(context: ScenarioContext, flags: string[], body: (session: Session) => Promise<boolean | void>): Promise<ScenarioOutcome> {
  const folder = await mkdtemp(join(tmpdir(), 'broker-chaos-'));
  const broker = await NpmStartBroker.start({ folder, flags });
  try {
    const current: Session = { broker, ledger: new Ledger(), destination: destinationOf(broker), notes: [], facts: {} };
    if ((await body(current)) === false) return { available: false, notes: current.notes };
    if (!(await broker.waitDrained(context.sizes.drainTimeoutMs))) {
      current.notes.push(`delivery queue not drained after ${context.sizes.drainTimeoutMs / 1000} s (${await broker.deliveryDepth()} messages left)`);
    }
    const observed = await broker.observe();
    const tally = current.ledger.settle(current.adjust ? current.adjust(observed) : observed);
    if (current.ledger.goodRejected > 0) current.notes.push(`${current.ledger.goodRejected} findings of valid requests were rejected (a generator problem)`);
    await broker.stop();
    return { available: true, tally, peakRssMb: broker.peakRssMb, notes: current.notes, facts: current.facts };
  } catch (error) {
    context.log(`broker output:\n${broker.log.slice(-4000)}`);
    throw error;
  } finally {
    await broker.stop().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
}

export function destinationOf(broker: NpmStartBroker): Destination {
  return { productArn: broker.state.partner.productArns[0]!, accountId: broker.state.customer.accountIds[0]!, region: broker.state.region };
}

/** `count` valid findings in requests of `perRequest`, Ids `<prefix>-<n>`. */
export function goodRequests(destination: Destination, prefix: string, count: number, perRequest: number, random: Random): TrafficRequest[] {
  const findings = findingsFor(destination, prefix, count, random);
  const requests: TrafficRequest[] = [];
  for (let i = 0; i < findings.length; i += perRequest) {
    const part = findings.slice(i, i + perRequest);
    requests.push({ kind: 'good', label: 'valid findings', body: JSON.stringify({ Findings: part }), findings: part });
  }
  return requests;
}

/** Findings of ours the emulated Security Hub holds now. */
export async function importedCount(broker: NpmStartBroker, ledger: Ledger): Promise<number> {
  return (await broker.importedFindings()).filter((finding) => typeof finding.Id === 'string' && ledger.isPosted(finding.Id)).length;
}
