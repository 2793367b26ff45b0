import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CredentialResolver } from '../credentials/credential-resolver.js';
import {
  findingDefect, groupAttributes, messageGroupIdOf, packDeliveryMessages, parseDeliveryMessage,
  type DeliveryGroup, type DeliveryMessage, type Finding,
} from '../queue/delivery-message.js';
import { sendMessages, type OutgoingMessage } from '../queue/sqs-sender.js';
import type { Registry } from '../registry/registry.js';
import { RegistrationLookup } from '../registry/registration-lookup.js';
import { FIFO_MAX_BATCH } from '../limits.js';
import { recordAccessOutcome, SUSPENSION_POLICY, type SuspensionPolicy } from './access-failures.js';
import { sendDeadLetters, type DeadLetter } from './dead-letter.js';
import { deliverGroup, type DeliveryGroupInput } from './deliver-group.js';
import { IMPORTED } from './finding-outcome.js';
import { ImportPacer } from './import-pacer.js';
import type { QuotaStates } from './quota-states.js';
import { recordFate, type RecordFinding } from './record-fate.js';
import { registrationProblem } from './registration-problem.js';
import type { SecurityHubClients } from './securityhub-clients.js';

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
  /** Where each quota's token bucket is kept between invocations (import-pacer.ts). */
  quotaStates: QuotaStates;
  sqs: SQSClient;
  deliveryQueueUrl: string;
  deadLetterQueueUrl: string;
  /** The delivery queue's maxReceiveCount: on the last receive, transient failures are dead-lettered by us, with their reason. */
  maxReceiveCount: number;
  /** When repeated access failures suspend a registration (default SUSPENSION_POLICY). */
  suspension?: SuspensionPolicy;
  now?: () => Date;
}

export interface DeliverOptions {
  /** No wait for a quota ends after this (ms since the epoch): what is still waiting then is re-queued. */
  deadline: number;
}

export interface DeliveryReport {
  imported: number;
  deadLettered: number;
  /** Findings re-queued because their quota was spent (no receive counted). */
  deferred: number;
  /** Findings whose records are left to SQS to retry. */
  retrying: number;
  /** Import calls Security Hub throttled (each retried while there was time). */
  throttled: number;
  /** Message ids to report as batchItemFailures. */
  failedMessageIds: string[];
}


const MALFORMED_GROUP: DeliveryGroup = { submissionId: 'unknown', partnerId: 'unknown', accountId: '000000000000', region: 'unknown', productKey: 'unknown' };

/** A record's findings, each with the scope it travels with and, once known, how its delivery ended. */
type RecordFindings = RecordFinding[];

/**
 * The delivery use case for one SQS batch, in steps that each say how every finding ended
 * (finding-outcome.ts): read each record (a malformed one or finding is dead-lettered), look up each
 * message's registration, import the findings grouped by destination (so 250 findings in 3 messages
 * take 3 calls, not 5), record what the customer's setup did, and decide each record's fate
 * (record-fate.ts): retried by SQS, or settled by sending its dead letters and re-queued findings.
 */
export async function deliverRecords(records: DeliveryRecord[], deps: DeliverDeps, options: DeliverOptions): Promise<DeliveryReport> {
  const pacer = new ImportPacer(deps.quotaStates, { deadline: options.deadline });
  const registrations = new RegistrationLookup(deps.registry);
  const perRecord: RecordFindings[] = records.map(() => []);
  const groups = new Map<string, DeliveryGroupInput & { findings: RecordFinding[] }>();

  await Promise.all(records.map(async (record, index) => {
    const findings = perRecord[index]!;
    let message: DeliveryMessage;
    try {
      message = parseDeliveryMessage(record.body);
    } catch (error) {
      findings.push({ finding: { raw: record.body }, group: MALFORMED_GROUP,
        outcome: { kind: 'dead-letter', failure: { kind: 'permanent', code: 'MalformedMessage', message: `Not a delivery message: ${(error as Error).message}` } } });
      return;
    }
    const group = groupOf(message);
    const deliverable: RecordFinding[] = [];
    for (const finding of message.findings) {
      const defect = findingDefect(finding);
      const item: RecordFinding = { finding, group, outcome: IMPORTED };
      findings.push(item);
      if (!defect) deliverable.push(item);
      else item.outcome = { kind: 'dead-letter', failure: { kind: 'permanent', code: 'MalformedFinding',
        message: `Not sent: ${defect}. Ingest never queues such a finding; fix whatever wrote this message, then purge it.` } };
    }
    if (deliverable.length === 0) return;
    const registration = await registrations.get(message.accountId, message.productKey);
    const problem = registrationProblem(registration, message);
    if (problem || !registration) {
      for (const item of deliverable) item.outcome = { kind: 'dead-letter', failure: problem! };
      return;
    }
    const key = `${message.accountId}|${message.region}|${registration.mode}|${deps.credentials.identityOf(registration) ?? ''}`;
    const destination = groups.get(key) ?? { registration, region: message.region, items: [], findings: [] };
    for (const item of deliverable) {
      destination.items.push({ finding: item.finding });
      destination.findings.push(item);
    }
    groups.set(key, destination);
  }));

  let throttled = 0;
  try {
    const results = await Promise.all([...groups.values()].map(async (destination) => {
      const result = await deliverGroup(destination, { credentials: deps.credentials, securityHub: deps.securityHub, pacer,
        holdPartialTail: records.length >= FIFO_MAX_BATCH, ...(deps.now ? { now: () => deps.now!().getTime() } : {}) });
      result.outcomes.forEach((outcome, index) => { destination.findings[index]!.outcome = outcome; });
      throttled += result.throttledCalls;
      return result.access;
    }));
    // What the customer's setup did to these findings goes on the registration, where the customer's GET shows it.
    await Promise.all(results.map((access) => recordAccessOutcome(deps.registry, access, deps.suspension ?? SUSPENSION_POLICY, deps.now?.() ?? new Date())));
  } finally {
    await pacer.close();
  }

  const now = deps.now?.() ?? new Date();
  const fates = records.map((record, index) => recordFate(perRecord[index]!, record.receiveCount, deps.maxReceiveCount, now));
  const letters: Array<DeadLetter<number>> = [];
  const deferrals: Array<{ origin: number; finding: Finding; group: DeliveryGroup }> = [];
  fates.forEach((fate, index) => {
    if (fate.fate !== 'settle') return;
    for (const letter of fate.deadLetters) letters.push({ ...letter, origin: index });
    for (const deferral of fate.deferrals) deferrals.push({ ...deferral, origin: index });
  });
  const [unsentLetters, unsentDeferrals] = await Promise.all([
    letters.length > 0 ? sendDeadLetters(deps.sqs, deps.deadLetterQueueUrl, letters) : new Set<number>(),
    deferrals.length > 0 ? requeue(deps, deferrals) : new Set<number>(),
  ]);
  const failed = new Set<number>([...unsentLetters, ...unsentDeferrals]);
  fates.forEach((fate, index) => { if (fate.fate === 'retry') failed.add(index); });

  return {
    imported: perRecord.flat().filter((item) => item.outcome.kind === 'imported').length,
    deadLettered: letters.filter((letter) => !failed.has(letter.origin)).length,
    deferred: deferrals.filter((deferral) => !failed.has(deferral.origin)).length,
    retrying: [...failed].reduce((sum, index) => sum + perRecord[index]!.length, 0),
    throttled,
    failedMessageIds: [...failed].map((index) => records[index]!.messageId),
  };
}

/**
 * Re-queues deferred findings as new messages in their quota's message group, with what record-fate.ts
 * noted (when first deferred, attempts spent): a new message starts at receive count 1 and holds back
 * nothing behind it. Returns the records whose findings could not be re-queued (retried whole).
 */
async function requeue(deps: DeliverDeps, deferrals: Array<{ origin: number; finding: Finding; group: DeliveryGroup }>): Promise<Set<number>> {
  // Deferrals of one message share its scope, except for what record-fate.ts set on each (when first deferred, attempts).
  const byGroup = new Map<string, { group: DeliveryGroup; items: typeof deferrals }>();
  for (const deferral of deferrals) {
    const key = JSON.stringify(deferral.group);
    const entry = byGroup.get(key) ?? { group: deferral.group, items: [] };
    entry.items.push(deferral);
    byGroup.set(key, entry);
  }
  const outgoing: OutgoingMessage[] = [];
  const originsOfMessage: number[][] = [];
  for (const { group, items } of byGroup.values()) {
    let offset = 0;
    for (const message of packDeliveryMessages(group, items.map((item) => item.finding))) {
      const id = randomUUID();
      outgoing.push({ body: JSON.stringify(message), attributes: groupAttributes(group), groupId: messageGroupIdOf(group), deduplicationId: id });
      originsOfMessage.push(items.slice(offset, offset + message.findings.length).map((item) => item.origin));
      offset += message.findings.length;
    }
  }
  const { failed } = await sendMessages(deps.sqs, deps.deliveryQueueUrl, outgoing);
  return new Set(failed.flatMap(({ index }) => originsOfMessage[index]!));
}

function groupOf(message: DeliveryMessage): DeliveryGroup {
  const { v: _v, findings: _findings, ...group } = message;
  return group;
}
