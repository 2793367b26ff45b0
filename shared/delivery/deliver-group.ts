import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { CredentialResolver } from '../credentials/credential-resolver.js';
import { classifyAwsError, INVALID_INPUT, THROTTLED, type Failure } from '../diagnostics/failure-catalog.js';
import type { Finding } from '../queue/delivery-message.js';
import type { Registration } from '../registry/model.js';
import { judgeRefusedAccess } from './access-verdict.js';
import type { DestinationOutcome } from './access-failures.js';
import { chunkForImport } from './chunk-findings.js';
import { IMPORTED, outcomeOf, type FindingOutcome } from './finding-outcome.js';
import { importChunk, isolateInvalidInput, type ChunkOutcome } from './import-chunk.js';
import type { ImportPacer } from './import-pacer.js';
import { quotaKeyOf } from './quota-key.js';
import type { SecurityHubClients } from './securityhub-clients.js';

/** Findings of one destination (account, Region, credentials), each with the receive count of its record. */
export interface DeliveryGroupInput {
  registration: Registration;
  region: string;
  items: Array<{ finding: Finding; receiveCount: number }>;
}

export interface GroupDeps {
  now?: () => number;
  credentials: CredentialResolver;
  securityHub: SecurityHubClients;
  pacer: ImportPacer;
}

export interface GroupResult {
  /** One per item, in order. */
  outcomes: FindingOutcome[];
  /** What the destination's setup did, for the registration's record (access-failures.ts). */
  access: DestinationOutcome;
  /** Calls Security Hub throttled (each retried, paced, while the invocation had time). */
  throttledCalls: number;
}

/**
 * Other transient failures of a call (5xx, network) are retried this many times within the
 * invocation, each retry paced like any call, before the record goes back to SQS. Assumption (the
 * broker's choice; the SDK's own retries are off so every attempt is paced: securityhub-clients.ts).
 */
const TRANSIENT_RETRIES = 2;

/** What a chunk gets when the invocation has no time left to wait for its quota: re-queued (FindingOutcome 'defer'). */
function outOfTime(accountId: string, region: string): Failure {
  return { kind: 'transient', code: THROTTLED,
    message: `Not imported in this invocation: account ${accountId}'s BatchImportFindings quota in ${region} was spent until its end. Re-queued; no delivery attempt counted.` };
}

/**
 * IAM is eventually consistent: "Changes that I make are not always immediately visible" (IAM user
 * guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html). A role the
 * customer has just created, or whose trust policy was just fixed, can still be refused by STS for a
 * few seconds. So an AssumeRole AccessDenied on a record's first receive is retried on the next
 * receive (one visibility timeout later) instead of being dead-lettered; from the second receive on it
 * is permanent. The grace is the registration's, not each message's: once the registration has been
 * refused for longer than IAM_PROPAGATION_GRACE_MS (its recorded access failures), a first receive is
 * final too, so a broken role's backlog goes to the DLQ batch after batch instead of waiting out a
 * visibility timeout per batch.
 */
export const IAM_PROPAGATION_GRACE_MS = 60_000;

function judgedOnReceive(failure: Failure, receiveCount: number, registration: Registration, now: number): Failure {
  if (failure.kind !== 'permanent' || failure.code !== 'AssumeRoleDenied' || receiveCount > 1) return failure;
  const refusedSince = registration.accessFailures?.code === 'AssumeRoleDenied' ? Date.parse(registration.accessFailures.firstAt) : Number.NaN;
  if (now - refusedSince > IAM_PROPAGATION_GRACE_MS) return failure;
  return { ...failure, kind: 'transient' };
}

/**
 * Imports one destination's findings in paced chunks of up to 100 and says how each ended. A chunk
 * Security Hub throttles is retried, paced, until the invocation's deadline (then deferred); a
 * failure that concerns the whole destination (role untrusted, hub off) ends the destination's
 * remaining chunks without more calls; an integration that is off ends its product's.
 */
export async function deliverGroup(group: DeliveryGroupInput, deps: GroupDeps): Promise<GroupResult> {
  const { registration, region, items } = group;
  const outcomes: FindingOutcome[] = items.map(() => IMPORTED);
  const context = { accountId: registration.accountId, region, ...(registration.roleArn ? { roleArn: registration.roleArn } : {}) };
  const quotaKey = quotaKeyOf(registration.mode, registration.accountId, region);
  let imported = 0;
  let throttledCalls = 0;
  const fail = (indexes: number[], failure: Failure): void => {
    for (const index of indexes) outcomes[index] = outcomeOf(judgedOnReceive(failure, items[index]!.receiveCount, registration, deps.now?.() ?? Date.now()));
  };

  let client: SecurityHubClient | undefined;
  /** One import of these items, paced, with throttled and transient calls retried and dead sessions refreshed once. */
  const attempt = async (part: number[]): Promise<ChunkOutcome> => {
    const findings = part.map((index) => items[index]!.finding);
    let refreshed = false;
    let transientRetries = 0;
    for (;;) {
      let credentials;
      try {
        credentials = await deps.credentials.credentialsFor(registration);
      } catch (error) {
        return { ok: false, failure: classifyAwsError('sts', error, context) };
      }
      client = deps.securityHub.get(region, deps.credentials.identityOf(registration), credentials);
      if (!(await deps.pacer.take(quotaKey))) return { ok: false, failure: outOfTime(registration.accountId, region) };
      const outcome = await importChunk(client, findings, { ...context, productArn: String(findings[0]?.ProductArn ?? '') });
      if (outcome.ok) {
        await deps.pacer.succeeded(quotaKey);
        return outcome;
      }
      if (outcome.failure.code === THROTTLED) {
        throttledCalls += 1;
        await deps.pacer.throttled(quotaKey);
        continue;
      }
      if (outcome.failure.kind === 'credentials-expired' && !refreshed) {
        refreshed = true;
        deps.credentials.invalidate(registration);
        continue;
      }
      if (outcome.failure.kind === 'transient' && transientRetries < TRANSIENT_RETRIES) {
        transientRetries += 1;
        continue;
      }
      return outcome;
    }
  };

  let destinationFailure: Failure | undefined;
  const productFailures = new Map<string, Failure>();
  const productOf = (index: number): string => String(items[index]!.finding.ProductArn ?? '');
  const indexes = items.map((_, index) => index);
  for (const allOfChunk of chunkForImport(indexes, (index) => items[index]!.finding)) {
    if (destinationFailure) {
      fail(allOfChunk, destinationFailure);
      continue;
    }
    for (const index of allOfChunk) {
      const known = productFailures.get(productOf(index));
      if (known) fail([index], known);
    }
    const chunk = allOfChunk.filter((index) => !productFailures.has(productOf(index)));
    if (chunk.length === 0) continue;
    // A whole-call InvalidInputException may be one finding's doing: the parts that single it out,
    // each with the outcome of its own import (so an imported part is counted even if a later one failed).
    for (const { items: part, outcome } of await isolateInvalidInput(chunk, await attempt(chunk), attempt)) {
      if (!outcome.ok) {
        const failure: Failure = outcome.failure.kind === 'credentials-expired' ? { ...outcome.failure, kind: 'transient' } : outcome.failure;
        // Out of quota or time: the later chunks would only wait for the same quota.
        if (failure.code !== INVALID_INPUT) destinationFailure = failure;
        fail(part, failure);
        continue;
      }
      imported += outcome.imported;
      const refused = outcome.failedFindings.filter(({ failure }) => failure.kind === 'access-refused');
      if (refused.length > 0) {
        const verdict = await judgeRefusedAccess(client!, registration.mode, refused.map(({ index, failure }) => ({ productArn: productOf(part[index]!), failure })), context);
        if (verdict.destination) destinationFailure = verdict.destination;
        for (const [productArn, failure] of verdict.products) productFailures.set(productArn, failure);
      }
      for (const { index, failure } of outcome.failedFindings) {
        const item = part[index]!;
        fail([item], failure.kind === 'access-refused' ? (destinationFailure ?? productFailures.get(productOf(item))!) : failure);
      }
    }
  }
  const [productFailure] = productFailures.values();
  const failure = destinationFailure ?? productFailure;
  const access: DestinationOutcome = { registration, region, imported, ...(failure ? { failure } : {}) };
  return { outcomes, access, throttledCalls };
}
