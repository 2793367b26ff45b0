import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CredentialResolver } from '../credentials/credential-resolver.js';
import { classifyAwsError, INVALID_INPUT, THROTTLED, type Failure } from '../diagnostics/failure-catalog.js';
import { findingDefect, parseDeliveryMessage, type DeliveryGroup, type DeliveryMessage, type Finding } from '../queue/delivery-message.js';
import type { Registration } from '../registry/model.js';
import type { Registry } from '../registry/registry.js';
import { RegistrationLookup } from '../registry/registration-lookup.js';
import { judgeRefusedAccess } from './access-verdict.js';
import { recordAccessOutcome, SUSPENSION_POLICY, type DestinationOutcome, type SuspensionPolicy } from './access-failures.js';
import { chunkForImport } from './chunk-findings.js';
import { sendDeadLetters, type DeadLetter } from './dead-letter.js';
import { importChunk, isolateInvalidInput, type ChunkOutcome } from './import-chunk.js';
import type { ImportPacer } from './import-pacer.js';
import type { SecurityHubClients } from './securityhub-clients.js';
import { registrationProblem } from './registration-problem.js';

/** One SQS record as the event source mapping hands it over. */
export interface DeliveryRecord {
  messageId: string;
  body: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
}

export interface DeliverDeps {
  registry: Registry;
  credentials: CredentialResolver;
  securityHub: SecurityHubClients;
  pacer: ImportPacer;
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  /** The delivery queue's maxReceiveCount: on the last receive, transient failures are dead-lettered by us, with their reason. */
  maxReceiveCount: number;
  /** When repeated access failures suspend a registration (default SUSPENSION_POLICY). */
  suspension?: SuspensionPolicy;
  now?: () => Date;
}

export interface DeliveryReport {
  imported: number;
  deadLettered: number;
  /** Findings whose records are left to SQS to retry. */
  retrying: number;
  throttled: number;
  /** Message ids to report as batchItemFailures. */
  failedMessageIds: string[];
}

interface Item {
  record: number;
  receiveCount: number;
  message: DeliveryMessage;
  finding: Finding;
}

const MALFORMED_GROUP: DeliveryGroup = { submissionId: 'unknown', partnerId: 'unknown', accountId: '000000000000', region: 'unknown', productKey: 'unknown' };

/**
 * The delivery use case for one SQS batch. Findings of all records are grouped by account,
 * Region and credentials (so 250 findings in 3 messages still take 3 imports, not 5), imported in
 * paced chunks, and every finding ends imported, dead-lettered with its reason, or in a record
 * reported back to SQS for a retry. Re-importing an already imported finding on a retry is
 * harmless: Security Hub ignores an equal UpdatedAt.
 */
export async function deliverRecords(records: DeliveryRecord[], deps: DeliverDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = { imported: 0, deadLettered: 0, retrying: 0, throttled: 0, failedMessageIds: [] };
  const letters: Array<DeadLetter<number>> = [];
  /** Records to leave for SQS to retry, with the findings that failed transiently and why. */
  const retry = new Map<number, { failure: Failure; items: Item[] }>();
  const groups = new Map<string, { registration: Registration; region: string; items: Item[] }>();
  const registrations = new RegistrationLookup(deps.registry);
  /** Findings per record, counted at parse time (a malformed record counts as one). */
  const findingCounts = records.map(() => 1);

  await Promise.all(records.map(async (record, index) => {
    let message: DeliveryMessage;
    try {
      message = parseDeliveryMessage(record.body);
    } catch (error) {
      const failure: Failure = { kind: 'permanent', code: 'MalformedMessage', message: `Not a delivery message: ${(error as Error).message}` };
      letters.push({ group: MALFORMED_GROUP, finding: { raw: record.body }, failure, attempts: record.receiveCount, origin: index });
      return;
    }
    findingCounts[index] = message.findings.length;
    const deliverable: Finding[] = [];
    for (const finding of message.findings) {
      const defect = findingDefect(finding);
      if (!defect) {
        deliverable.push(finding);
        continue;
      }
      const failure: Failure = { kind: 'permanent', code: 'MalformedFinding', message: `Not sent: ${defect}. Ingest never queues such a finding; fix whatever wrote this message, then purge it.` };
      letters.push({ group: groupOf(message), finding, failure, attempts: record.receiveCount, origin: index });
    }
    if (deliverable.length === 0) return;
    const registration = await registrations.get(message.accountId, message.productKey);
    const problem = registrationProblem(registration, message);
    if (problem || !registration) {
      for (const finding of deliverable) {
        letters.push({ group: groupOf(message), finding, failure: problem!, attempts: record.receiveCount, origin: index });
      }
      return;
    }
    const groupKey = `${message.accountId}|${message.region}|${registration.mode}|${deps.credentials.identityOf(registration) ?? ''}`;
    const group = groups.get(groupKey) ?? { registration, region: message.region, items: [] };
    group.items.push(...deliverable.map((finding) => ({ record: index, receiveCount: record.receiveCount, message, finding })));
    groups.set(groupKey, group);
  }));

  const outcomes = await Promise.all([...groups.values()].map((group) => deliverGroup(group, deps, report, letters, retry)));
  // What the customer's setup did to these findings goes on the registration, where the customer's GET shows it.
  await Promise.all(outcomes.map((outcome) => recordAccessOutcome(deps.registry, outcome, deps.suspension ?? SUSPENSION_POLICY, deps.now?.() ?? new Date())));

  // A transient failure on the last receive would otherwise be moved to the DLQ by SQS without a reason.
  // Only the findings that failed transiently go: the record's other findings were imported or
  // already have a dead letter of their own.
  for (const [index, { failure, items }] of retry) {
    const record = records[index]!;
    if (record.receiveCount < deps.maxReceiveCount) continue;
    retry.delete(index);
    const exhausted: Failure = { kind: 'permanent', code: failure.code,
      message: `Gave up after ${record.receiveCount} deliveries; last error: ${failure.message}. Redrive once the cause has passed.` };
    for (const item of items) letters.push({ group: groupOf(item.message), finding: item.finding, failure: exhausted, attempts: record.receiveCount, origin: index });
  }

  // Findings of a record that is retried anyway need no dead letter now: they come back with it.
  const toSend = letters.filter((letter) => !retry.has(letter.origin));
  const unsent = toSend.length > 0 ? await sendDeadLetters(deps.sqs, deps.deadLetterQueueUrl, toSend) : new Set<number>();
  report.deadLettered = toSend.filter((letter) => !unsent.has(letter.origin)).length;
  const failedRecords = new Set<number>([...retry.keys(), ...unsent]);
  report.failedMessageIds = [...failedRecords].map((index) => records[index]!.messageId);
  report.retrying = [...failedRecords].reduce((sum, index) => sum + findingCounts[index]!, 0);
  return report;
}

/**
 * IAM is eventually consistent: "Changes that I make are not always immediately visible" (IAM user
 * guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html). A role the
 * customer has just created, or whose trust policy was just fixed, can still be refused by STS for a
 * few seconds. So an AssumeRole AccessDenied on a record's first receive is retried on the next
 * receive (one visibility timeout later) instead of being dead-lettered; from the second receive on it
 * is permanent. The price of a really broken setup is one more AssumeRole per message, once.
 */
function judgedOnReceive(failure: Failure, receiveCount: number): Failure {
  if (failure.kind === 'permanent' && failure.code === 'AssumeRoleDenied' && receiveCount <= 1) return { ...failure, kind: 'transient' };
  return failure;
}

async function deliverGroup(
  group: { registration: Registration; region: string; items: Item[] },
  deps: DeliverDeps,
  report: DeliveryReport,
  letters: Array<DeadLetter<number>>,
  retry: Map<number, { failure: Failure; items: Item[] }>,
): Promise<DestinationOutcome> {
  const { registration, region, items } = group;
  let imported = 0;
  const context = { accountId: registration.accountId, region, ...(registration.roleArn ? { roleArn: registration.roleArn } : {}) };
  const fail = (chunk: Item[], failure: Failure): void => {
    for (const item of chunk) {
      const judged = judgedOnReceive(failure, item.receiveCount);
      if (judged.kind === 'permanent') {
        letters.push({ group: groupOf(item.message), finding: item.finding, failure: judged, attempts: item.receiveCount, origin: item.record });
        continue;
      }
      if (judged.code === THROTTLED) report.throttled += 1;
      const entry = retry.get(item.record) ?? { failure: judged, items: [] };
      entry.failure = judged;
      entry.items.push(item);
      retry.set(item.record, entry);
    }
  };
  let client: SecurityHubClient | undefined;
  /** One paced import of these items with the registration's credentials, refreshed once if they died early (revoked session). */
  const attempt = async (part: Item[]): Promise<ChunkOutcome> => {
    const findings = part.map((item) => item.finding);
    for (let round = 1; ; round++) {
      let credentials;
      try {
        credentials = await deps.credentials.credentialsFor(registration);
      } catch (error) {
        return { ok: false, failure: classifyAwsError('sts', error, context) };
      }
      client = deps.securityHub.get(region, deps.credentials.identityOf(registration), credentials);
      await deps.pacer.take(`${registration.accountId}|${region}`);
      const outcome = await importChunk(client, findings, { ...context, productArn: String(findings[0]?.ProductArn ?? '') });
      if (outcome.ok || outcome.failure.kind !== 'credentials-expired' || round > 1) return outcome;
      deps.credentials.invalidate(registration);
    }
  };
  // A failure that concerns the whole destination (role untrusted, hub off) is not retried chunk by
  // chunk: the remaining chunks share its fate without more calls. An integration that is off
  // concerns its product only: that product's findings in later chunks share its fate.
  let destinationFailure: Failure | undefined;
  const productFailures = new Map<string, Failure>();
  const productOf = (item: Item): string => String(item.finding.ProductArn ?? '');
  for (const allOfChunk of chunkForImport(items, (item) => item.finding)) {
    if (destinationFailure) {
      fail(allOfChunk, destinationFailure);
      continue;
    }
    for (const item of allOfChunk) {
      const known = productFailures.get(productOf(item));
      if (known) fail([item], known);
    }
    const chunk = allOfChunk.filter((item) => !productFailures.has(productOf(item)));
    if (chunk.length === 0) continue;
    // A whole-call InvalidInputException may be one finding's doing: the parts that single it out,
    // each with the outcome of its own import (so an imported part is counted even if a later one failed).
    for (const { items: part, outcome } of await isolateInvalidInput(chunk, await attempt(chunk), attempt)) {
      if (!outcome.ok) {
        const failure: Failure = outcome.failure.kind === 'credentials-expired' ? { ...outcome.failure, kind: 'transient' } : outcome.failure;
        if (failure.code !== INVALID_INPUT) destinationFailure = failure;
        fail(part, failure);
        continue;
      }
      report.imported += outcome.imported;
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
  return { registration, region, imported, ...(failure ? { failure } : {}) };
}

function groupOf(message: DeliveryMessage): DeliveryGroup {
  const { v: _v, findings: _findings, ...group } = message;
  return group;
}
