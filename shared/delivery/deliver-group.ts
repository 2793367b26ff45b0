import { setTimeout as sleep } from 'node:timers/promises';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { CredentialResolver } from '../credentials/credential-resolver.js';
import { classifyAwsError, INVALID_INPUT, THROTTLED, type Failure } from '../diagnostics/failure-catalog.js';
import { MAX_FINDINGS_PER_IMPORT } from '../limits.js';
import type { Finding } from '../queue/delivery-message.js';
import type { Registration } from '../registry/model.js';
import { judgeRefusedAccess } from './access-verdict.js';
import type { DestinationOutcome } from './access-failures.js';
import { chunkForImport } from './chunk-findings.js';
import { HELD_FOR_FULL_CALL, IMPORTED, outcomeOf, type FindingOutcome } from './finding-outcome.js';
import { importChunk, isolateInvalidInput, type ChunkOutcome } from './import-chunk.js';
import type { ImportPacer } from './import-pacer.js';
import { quotaKeyOf } from './quota-key.js';
import type { SecurityHubClients } from './securityhub-clients.js';

/** Findings of one destination (account, Region, credentials). */
export interface DeliveryGroupInput {
  registration: Registration;
  region: string;
  items: Array<{ finding: Finding }>;
}

export interface GroupDeps {
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
  /** The batch was full, so more of these quotas' findings are queued: a partial last chunk waits for them (HELD). */
  holdPartialTail?: boolean;
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
 * invocation, after up to 100, 200 and 400 ms (with full jitter, "Exponential Backoff And Jitter", AWS
 * Architecture Blog) and each paced like any call, before the findings are re-queued. Assumption
 * (the broker's choice, as the SDK's standard retry strategy would; its own retries are off so every
 * attempt is paced: securityhub-clients.ts).
 */
const TRANSIENT_RETRIES = 3;
const TRANSIENT_BACKOFF_MS = 100;

/**
 * Why the last, partial chunk of a destination waits: the batch was full (a backlog of that quota is
 * queued), so its findings go back to the queue to fill a later call instead of spending a call now
 * on fewer than 100 findings.
 */
const HELD: Failure = { kind: 'transient', code: HELD_FOR_FULL_CALL,
  message: 'Held back to fill a later BatchImportFindings call (a backlog of this quota was queued); re-queued.' };

/** What a chunk gets when the invocation has no time left to wait for its quota: re-queued (FindingOutcome 'defer'). */
function outOfTime(accountId: string, region: string): Failure {
  return { kind: 'transient', code: THROTTLED,
    message: `Not imported in this invocation: account ${accountId}'s BatchImportFindings quota in ${region} was spent until its end. Re-queued; no delivery attempt counted.` };
}

/**
 * IAM is eventually consistent: "Changes that I make are not always immediately visible" (IAM user
 * guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html). A role the
 * customer has just created, or whose trust policy was just fixed, can still be refused by STS for a
 * while. So an AssumeRole AccessDenied is retried on a later receive (one visibility timeout later)
 * while the registration has been refused for no longer than IAM_PROPAGATION_GRACE_MS (its recorded
 * access failures; a success clears them, so a refusal that comes and goes never counts up); past
 * that it is final. The grace is the registration's, not each message's: a broken role's backlog goes
 * to the DLQ batch after batch instead of waiting out a visibility timeout per batch, and with
 * several deliver containers (each assuming the role itself) a refusal that flaps is not dead-lettered
 * for having been met twice.
 */
export const IAM_PROPAGATION_GRACE_MS = 60_000;

function judgedOnReceive(failure: Failure, registration: Registration, now: number): FindingOutcome {
  if (failure.kind !== 'permanent' || failure.code !== 'AssumeRoleDenied') return outcomeOf(failure);
  const refusedSince = registration.accessFailures?.code === 'AssumeRoleDenied' ? Date.parse(registration.accessFailures.firstAt) : now;
  if (now - refusedSince > IAM_PROPAGATION_GRACE_MS) return outcomeOf(failure);
  // A visibility timeout later, not at once: IAM needs the time.
  return { kind: 'retry', failure: { ...failure, kind: 'transient' } };
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
    for (const index of indexes) outcomes[index] = judgedOnReceive(failure, registration, deps.now?.() ?? Date.now());
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
        await (deps.sleep ?? sleep)(Math.floor(Math.random() * TRANSIENT_BACKOFF_MS * 2 ** (transientRetries - 1)));
        continue;
      }
      return outcome;
    }
  };

  let destinationFailure: Failure | undefined;
  const productFailures = new Map<string, Failure>();
  const productOf = (index: number): string => String(items[index]!.finding.ProductArn ?? '');
  const indexes = items.map((_, index) => index);
  const chunks = chunkForImport(indexes, (index) => items[index]!.finding);
  const last = chunks.at(-1)!;
  if (deps.holdPartialTail && chunks.length > 1 && last.length < MAX_FINDINGS_PER_IMPORT) {
    chunks.pop();
    for (const index of last) outcomes[index] = { kind: 'defer', failure: HELD };
  }
  for (const allOfChunk of chunks) {
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
        // Refused, or out of quota or time: the later chunks would meet the same. A 5xx or a dropped
        // connection concerns one request: the later chunks are tried.
        if (failure.code !== INVALID_INPUT && (failure.kind !== 'transient' || failure.code === THROTTLED)) destinationFailure = failure;
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
