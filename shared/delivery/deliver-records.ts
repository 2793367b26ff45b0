import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { splitByCounts } from '../batching/split-by-counts.js';
import type { CredentialResolver } from '../credentials/credential-resolver.js';
import {
  findingDefect, groupAttributes, messageGroupIdOf, packDeliveryMessages, parseDeliveryMessage,
  type DeliveryGroup, type DeliveryMessage, type Finding,
} from '../queue/delivery-message.js';
import { sendMessages, type OutgoingMessage } from '../queue/sqs-sender.js';
import type { Registry } from '../registry/registry.js';
import { RegistrationLookup } from '../registry/registration-lookup.js';
import { CHANGE_REFRESH_MS, FIFO_MAX_BATCH } from '../limits.js';
import { recordAccessOutcome, SUSPENSION_POLICY, type SuspensionPolicy } from './access-failures.js';
import { sendDeadLetters, type DeadLetter } from './dead-letter.js';
import { deliverGroup, type DeliveryGroupInput } from './deliver-group.js';
import { IMPORTED } from './finding-outcome.js';
import { changeOnlyOf, ledgerDecisions, ledgerEntries, writeLedger, type DeliverableFinding } from './ledger-step.js';
import type { LedgerDecision } from '../ledger/ledger-decision.js';
import type { Ledger } from '../ledger/ledger-model.js';
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
  /** The finding ledger: what was accepted and imported before, and where each finding's fate is kept. */
  ledger?: Ledger;
  /** Change-only delivery re-imports unchanged content once its last import is older than this (default CHANGE_REFRESH_MS). */
  changeRefreshMs?: number;
  /**
   * The clock the ledger's import times are kept and judged by (default Date.now); the local stack
   * gives the emulator's, so a test that advances it sees a refresh come due.
   */
  ledgerClock?: () => number;
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
  /** Findings the ledger kept from Security Hub: stale or superseded versions. */
  ignored: number;
  /** Findings not sent again: the same content was imported recently (change-only delivery). */
  unchanged: number;
  /** Dead-lettered findings by error code (what an operator is warned of). */
  deadLetterCodes: Record<string, number>;
  /** Message ids to report as batchItemFailures. */
  failedMessageIds: string[];
  /** Why the ledger could not be written (then every record is retried). */
  ledgerError?: string;
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
  const partners = new Map<string, Promise<boolean>>();
  const perRecord: RecordFindings[] = records.map(() => []);

  // 1. Read each record and look up its registration: what is left is deliverable, with its registration.
  const deliverable: DeliverableFinding[] = [];
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
    const ready: RecordFinding[] = [];
    for (const finding of message.findings) {
      const defect = findingDefect(finding);
      const item: RecordFinding = { finding, group, outcome: IMPORTED };
      findings.push(item);
      if (!defect) ready.push(item);
      else item.outcome = { kind: 'dead-letter', failure: { kind: 'permanent', code: 'MalformedFinding',
        message: `Not sent: ${defect}. Ingest never queues such a finding; fix whatever wrote this message, then purge it.` } };
    }
    if (ready.length === 0) return;
    const registration = await registrations.get(message.accountId, message.productKey);
    const problem = registrationProblem(registration, message);
    if (problem || !registration) {
      for (const item of ready) item.outcome = { kind: 'dead-letter', failure: problem! };
      return;
    }
    for (const item of ready) deliverable.push({ item, registration, region: message.region, submissionId: message.submissionId, partnerId: message.partnerId });
  }));

  // 2. The ledger's decision: stale and superseded versions are ignored, unchanged content is not sent again.
  const decisions = deps.ledger
    ? await ledgerDecisions(deps.ledger, deliverable, (partnerId) => changeOnlyOf(deps.registry, partnerId, partners),
      (deps.ledgerClock ?? Date.now)(), deps.changeRefreshMs ?? CHANGE_REFRESH_MS)
    : deliverable.map((): LedgerDecision => ({ kind: 'send', hash: '' }));

  // 3. Group what is to be sent by destination, so 250 findings in 3 messages take 3 calls, not 5.
  const groups = new Map<string, DeliveryGroupInput & { findings: RecordFinding[] }>();
  const hashes = new Map<RecordFinding, string>();
  deliverable.forEach(({ item, registration, region }, index) => {
    const decision = decisions[index]!;
    if (decision.kind === 'ignored') item.outcome = { kind: 'ignored', code: decision.code, message: decision.message };
    else if (decision.kind === 'unchanged') item.outcome = { kind: 'unchanged' };
    if (decision.kind !== 'send') return;
    hashes.set(item, decision.hash);
    const key = `${item.group.accountId}|${region}|${registration.mode}|${deps.credentials.identityOf(registration) ?? ''}`;
    const destination = groups.get(key) ?? { registration, region, items: [], findings: [] };
    destination.items.push({ finding: item.finding });
    destination.findings.push(item);
    groups.set(key, destination);
  });

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

  // 4. Each record's fate, then what became of each finding goes in the ledger before the records
  // settle: if it cannot be written, the records are retried whole (the versions imported already are
  // then recognised by the ledger, or ignored by Security Hub).
  const now = deps.now?.() ?? new Date();
  const fates = records.map((record, index) => recordFate(perRecord[index]!, record.receiveCount, deps.maxReceiveCount, now));
  if (deps.ledger) {
    try {
      await writeLedger(deps.ledger, ledgerEntries(perRecord, fates, hashes, (deps.ledgerClock ?? Date.now)()));
    } catch (error) {
      return { imported: 0, deadLettered: 0, deferred: 0, ignored: 0, unchanged: 0, retrying: perRecord.flat().length, throttled, deadLetterCodes: {},
        failedMessageIds: records.map((record) => record.messageId), ledgerError: (error as Error).message };
    }
  }

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
    ignored: perRecord.flat().filter((item) => item.outcome.kind === 'ignored').length,
    unchanged: perRecord.flat().filter((item) => item.outcome.kind === 'unchanged').length,
    deadLettered: letters.filter((letter) => !failed.has(letter.origin)).length,
    deadLetterCodes: letters.filter((letter) => !failed.has(letter.origin))
      .reduce<Record<string, number>>((codes, letter) => ({ ...codes, [letter.failure.code]: (codes[letter.failure.code] ?? 0) + 1 }), {}),
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
    const messages = packDeliveryMessages(group, items.map((item) => item.finding));
    for (const message of messages) {
      const id = randomUUID();
      outgoing.push({ body: JSON.stringify(message), attributes: groupAttributes(group), groupId: messageGroupIdOf(group), deduplicationId: id });
    }
    for (const origins of splitByCounts(items.map((item) => item.origin), messages.map((message) => message.findings.length))) originsOfMessage.push(origins);
  }
  const { failed } = await sendMessages(deps.sqs, deps.deliveryQueueUrl, outgoing);
  return new Set(failed.flatMap(({ index }) => originsOfMessage[index]!));
}

function groupOf(message: DeliveryMessage): DeliveryGroup {
  const { v: _v, findings: _findings, ...group } = message;
  return group;
}
