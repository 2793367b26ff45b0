import type { CredentialResolver } from '../credentials/credential-resolver.js';
import { recordAccessOutcome, SUSPENSION_POLICY, type SuspensionPolicy } from '../delivery/access-failures.js';
import { deliverGroup } from '../delivery/deliver-group.js';
import type { FindingOutcome } from '../delivery/finding-outcome.js';
import type { ImportPacer } from '../delivery/import-pacer.js';
import { quotaKeyOf } from '../delivery/quota-key.js';
import type { QuotaStates } from '../delivery/quota-states.js';
import { registrationProblem } from '../delivery/registration-problem.js';
import type { SecurityHubClients } from '../delivery/securityhub-clients.js';
import type { Registry } from '../registry/registry.js';
import { heartbeatDestinations, type HeartbeatDestination } from './heartbeat-destinations.js';
import { heartbeatFinding } from './heartbeat-finding.js';
import { QuotaPacers } from './quota-pacers.js';

/**
 * Destinations imported at once. Assumption (the broker's choice): 10, so a round of a few thousand
 * destinations (one STS and one Security Hub call each, ~100 ms) fits the function's two minutes,
 * while the STS calls stay far below its per-account request quota and the Lambda's sockets few.
 */
export const HEARTBEAT_CONCURRENCY = 10;

/** Why a heartbeat was not sent although its registration is ACTIVE: the partner has no product ARN in that Region. */
export const NO_PRODUCT_IN_REGION = 'NoProductArnInRegion';

export interface HeartbeatDeps {
  registry: Registry;
  /** As deliver's: customer roles assumed by the delivery principal (functions/heartbeat/create-handler.ts). */
  credentials: CredentialResolver;
  securityHub: SecurityHubClients;
  /** The same buckets deliver paces with, so heartbeats spend the accounts' import quota with it. */
  quotaStates: QuotaStates;
  /** When repeated access failures suspend a registration (default SUSPENSION_POLICY, as deliver's). */
  suspension?: SuspensionPolicy;
  /** The heartbeat's timestamps (UpdatedAt); the local stack gives the emulator's clock. Default Date.now. */
  clock?: () => number;
  /** The time access failures are recorded with, as deliver records them (default: now). */
  now?: () => Date;
  concurrency?: number;
}

export interface HeartbeatOptions {
  /** No destination is started at or after this (ms since the epoch), and no quota wait ends after it. */
  deadline: number;
}

/** A heartbeat that was not imported: where, and the failure's code (failure-catalog.ts), never the finding or credentials. */
export interface HeartbeatFailure {
  accountId: string;
  region: string;
  productKey: string;
  code: string;
}

export interface HeartbeatReport {
  /** ACTIVE registrations times their Regions. */
  destinations: number;
  sent: number;
  failed: HeartbeatFailure[];
  /** Destinations not started: the round reached its deadline. */
  skipped: number;
  /** Access outcomes the registry could not record (the heartbeats themselves are counted above). */
  unrecorded: number;
}

/**
 * One heartbeat round: one heartbeat finding per ACTIVE registration and Region, each imported
 * through the delivery path itself (deliverGroup: the same credentials, pacing, retries and
 * diagnosis as a partner's finding), then its access outcome recorded on the registration exactly as
 * deliver-records.ts does, so a heartbeat into a broken setup shows on the registration and counts
 * toward its suspension like a refused finding. A heartbeat that fails is reported, never
 * dead-lettered or retried: the next round comes five minutes later.
 */
export async function sendHeartbeats(deps: HeartbeatDeps, options: HeartbeatOptions): Promise<HeartbeatReport> {
  const destinations = await heartbeatDestinations(deps.registry);
  const keyOf = ({ registration, region }: HeartbeatDestination) => quotaKeyOf(registration.mode, registration.accountId, region);
  const pacers = new QuotaPacers(deps.quotaStates, options.deadline, destinations.map(keyOf));
  const report: HeartbeatReport = { destinations: destinations.length, sent: 0, failed: [], skipped: 0, unrecorded: 0 };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < destinations.length) {
      const destination = destinations[next++]!;
      if (Date.now() >= options.deadline) {
        report.skipped += 1;
        continue;
      }
      const key = keyOf(destination);
      try {
        const code = await beat(destination, pacers.pacerFor(key), deps, report);
        if (code === undefined) report.sent += 1;
        else report.failed.push({ accountId: destination.registration.accountId, region: destination.region, productKey: destination.registration.productKey, code });
      } finally {
        await pacers.done(key);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? HEARTBEAT_CONCURRENCY, destinations.length) }, worker));
  } finally {
    await pacers.closeAll();
  }
  return report;
}

/** Sends one destination's heartbeat; undefined when imported, otherwise the failure's code. */
async function beat(destination: HeartbeatDestination, pacer: ImportPacer, deps: HeartbeatDeps, report: HeartbeatReport): Promise<string | undefined> {
  const { registration, region, productArn } = destination;
  if (!productArn) return NO_PRODUCT_IN_REGION;
  const { accountId, productKey, partnerId } = registration;
  const finding = heartbeatFinding({ accountId, productArn, productKey, partnerName: destination.partnerName, at: new Date((deps.clock ?? Date.now)()) });
  // The checks deliver makes before it imports a queued finding (a role outside the account is never assumed).
  const problem = registrationProblem(registration, { v: 1, submissionId: 'heartbeat', partnerId, accountId, region, productKey, findings: [finding] });
  if (problem) return problem.code;
  const now = deps.now ?? (() => new Date());
  let outcome: FindingOutcome | undefined;
  try {
    const result = await deliverGroup({ registration, region, items: [{ finding }] },
      { credentials: deps.credentials, securityHub: deps.securityHub, pacer, now: () => now().getTime() });
    outcome = result.outcomes[0];
    try {
      await recordAccessOutcome(deps.registry, result.access, deps.suspension ?? SUSPENSION_POLICY, now());
    } catch {
      report.unrecorded += 1;
    }
  } catch (error) {
    // deliverGroup classifies what AWS answers; anything else is a defect, reported by name only.
    return (error as Error)?.name || 'Error';
  }
  if (!outcome) return 'Error';
  return outcome.kind === 'imported' ? undefined : codeOf(outcome);
}

function codeOf(outcome: Exclude<FindingOutcome, { kind: 'imported' }>): string {
  if (outcome.kind === 'unchanged') return 'Unchanged';
  if (outcome.kind === 'ignored') return outcome.code;
  return outcome.failure.code;
}
