import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { validateFinding, type FindingIssue } from '../asff/validate.js';
import { splitByCounts } from '../batching/split-by-counts.js';
import { ForbiddenError } from '../errors.js';
import type { Ledger } from '../ledger/ledger-model.js';
import { judgeAgainstLedger, recordQueued, recordSubmission } from './ingest-ledger.js';
import { groupAttributes, messageGroupIdOf, packSerializedFindings } from '../queue/delivery-message.js';
import { sqsSafeJson } from '../queue/sqs-characters.js';
import { sendMessages, type OutgoingMessage } from '../queue/sqs-sender.js';
import type { Registry } from '../registry/registry.js';
import { FindingAccessCheck, type Destination } from './finding-access.js';
import { boundIssues } from './bounded-results.js';
import { queueFitIssue } from './queue-fit.js';
import { parseFindingsRequest } from './request-body.js';

/**
 * `ignored`: valid, but not queued because Security Hub would ignore it (an UpdatedAt not later than
 * the version the broker imported last; its warning says so).
 */
export type FindingStatus = 'accepted' | 'valid' | 'rejected' | 'failed' | 'ignored';

export interface FindingResult {
  index: number;
  id?: string;
  status: FindingStatus;
  errors?: FindingIssue[];
  warnings?: FindingIssue[];
  /** Issues of this finding not listed, to keep the reply bounded (shared/ingest/bounded-results.ts). */
  moreErrors?: number;
  moreWarnings?: number;
}

export interface SubmissionReply {
  submissionId: string;
  dryRun: boolean;
  accepted: number;
  rejected: number;
  /** Findings that were valid but could not be queued; the partner should send them again. */
  failed: number;
  /** Valid findings not queued because Security Hub would ignore them (StaleUpdatedAt). */
  ignored: number;
  results: FindingResult[];
  /** Errors and warnings left out of `results` in all (each finding still lists at least one reason). */
  unlistedIssues?: number;
}

export interface SubmitDeps {
  registry: Registry;
  /** The finding ledger: stale versions are said at once, and the submission is recorded for GET /v1/submissions/{id}. */
  ledger?: Ledger;
  /** A ledger write after the findings were queued failed: they are queued, only their record is incomplete. */
  onLedgerError?: (error: unknown) => void;
  now?: () => Date;
  sqs: SQSClient;
  deliveryQueueUrl: string;
}

export interface SubmitInput {
  partnerId: string;
  /** The request as text, `{"Findings": [...]}` (the handler decoded and checked what HTTP carried). */
  body: string | null | undefined;
  /** Validate and authorize only; enqueue nothing (`POST /v1/findings:validate`). */
  dryRun: boolean;
  /** The partner's scan these findings belong to (`?scan=`): archive by scan (complete-scan.ts). */
  scanId?: string;
}

/**
 * The ingest use case: judge every finding (ASFF rules, then the partner's right to post it),
 * queue the accepted ones grouped by customer account, Region and product, and report each
 * finding's fate. A finding is reported `accepted` only once it is on the delivery queue.
 */
export async function submitFindings(input: SubmitInput, deps: SubmitDeps): Promise<SubmissionReply> {
  const findings = parseFindingsRequest(input.body);
  const partner = await deps.registry.getPartner(input.partnerId);
  if (!partner) {
    throw new ForbiddenError('UnknownPartner', 'Your token belongs to no partner on record; ask the broker operator to check your account.');
  }
  const submissionId = randomUUID();
  const access = new FindingAccessCheck(partner, deps.registry);
  const seen = new Set<string>();
  const destinations = new Map<number, Destination>();
  const serialized = new Map<number, string>();

  const results = await Promise.all(
    findings.map(async (finding, index): Promise<FindingResult> => {
      const verdict = validateFinding(finding, index);
      const base = { index, ...(verdict.id === undefined ? {} : { id: verdict.id }) };
      const warnings = verdict.warnings.length > 0 ? { warnings: verdict.warnings } : {};
      if (!verdict.valid) return { ...base, status: 'rejected', errors: verdict.errors, ...warnings };
      const { ProductArn, AwsAccountId, Id } = finding as { ProductArn: string; AwsAccountId: string; Id: string };
      // Security Hub keys a finding by account and Region (the ProductArn's) as well as ProductArn and Id:
      // the same Id for two customer accounts is two findings.
      const identity = `${AwsAccountId}|${ProductArn}|${Id}`;
      if (seen.has(identity)) {
        return { ...base, status: 'rejected', ...warnings, errors: [{ path: `Findings[${index}].Id`, rule: 'duplicateInRequest',
          message: `Finding ${Id} of ${ProductArn} for account ${AwsAccountId} appears more than once in this request; send each finding once (the latest version).` }] };
      }
      seen.add(identity);
      const allowed = await access.check({ ProductArn, AwsAccountId }, index);
      if (!allowed.ok) return { ...base, status: 'rejected', errors: [allowed.issue], ...warnings };
      // Serialised once (by the validator) and made SQS-safe once: the size check and the message bodies both use this text.
      const safeJson = sqsSafeJson(verdict.json ?? JSON.stringify(finding));
      const tooBig = queueFitIssue({ submissionId, partnerId: partner.partnerId, ...allowed.destination }, safeJson, index);
      if (tooBig) return { ...base, status: 'rejected', errors: [tooBig], ...warnings };
      destinations.set(index, allowed.destination);
      serialized.set(index, safeJson);
      return { ...base, status: input.dryRun ? 'valid' : 'accepted', ...warnings };
    }),
  );

  const now = deps.now?.() ?? new Date();
  const context = { submissionId, partnerId: partner.partnerId, findings, results, now: now.getTime(), ...(input.scanId ? { scanId: input.scanId } : {}) };
  let ignoredVersions: Awaited<ReturnType<typeof judgeAgainstLedger>> = new Map();
  if (!input.dryRun && deps.ledger) {
    ignoredVersions = await judgeAgainstLedger(deps.ledger, context, destinations, serialized);
    await recordSubmission(deps.ledger, context, { createdAt: now.toISOString(), posted: findings.length, accepted: destinations.size });
  }
  const queued = new Map(destinations);
  if (!input.dryRun && destinations.size > 0) await enqueue(submissionId, partner.partnerId, serialized, destinations, results, deps);
  if (!input.dryRun && deps.ledger && (queued.size > 0 || ignoredVersions.size > 0)) {
    await recordQueued(deps.ledger, context, queued, ignoredVersions, deps.onLedgerError);
  }
  const bounded = boundIssues(results, Buffer.byteLength(input.body ?? ''));
  return {
    submissionId,
    dryRun: input.dryRun,
    accepted: results.filter((r) => r.status === 'accepted' || r.status === 'valid').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    failed: results.filter((r) => r.status === 'failed').length,
    ignored: results.filter((r) => r.status === 'ignored').length,
    results: bounded.results,
    ...(bounded.unlisted > 0 ? { unlistedIssues: bounded.unlisted } : {}),
  };
}

/**
 * Queues serialised, SQS-safe findings for delivery, grouped by destination into full messages; a
 * finding whose message SQS did not take gets status `failed` in `results` (the caller's reply). Also
 * used by archive by scan (complete-scan.ts).
 */
export async function enqueue(
  submissionId: string,
  partnerId: string,
  serialized: Map<number, string>,
  destinations: Map<number, Destination>,
  results: FindingResult[],
  deps: SubmitDeps,
): Promise<void> {
  const groups = new Map<string, { destination: Destination; indexes: number[] }>();
  for (const [index, destination] of destinations) {
    const key = `${destination.accountId}|${destination.region}|${destination.productKey}`;
    const group = groups.get(key) ?? { destination, indexes: [] };
    group.indexes.push(index);
    groups.set(key, group);
  }
  const outgoing: OutgoingMessage[] = [];
  const indexesOfMessage: number[][] = [];
  for (const { destination, indexes } of groups.values()) {
    const group = { submissionId, partnerId, ...destination };
    const messages = packSerializedFindings(group, indexes.map((i) => serialized.get(i)!));
    for (const { body } of messages) {
      // The deduplication id names this submission's message: an SDK retry of a send SQS already took is dropped by SQS.
      outgoing.push({ body, sqsSafe: true, attributes: groupAttributes(group), groupId: messageGroupIdOf(group), deduplicationId: `${submissionId}:${outgoing.length}` });
    }
    for (const part of splitByCounts(indexes, messages.map(({ count }) => count))) indexesOfMessage.push(part);
  }
  const { failed } = await sendMessages(deps.sqs, deps.deliveryQueueUrl, outgoing);
  for (const { index: messageIndex } of failed) {
    for (const findingIndex of indexesOfMessage[messageIndex]!) {
      const result = results[findingIndex]!;
      result.status = 'failed';
      result.errors = [{ path: `Findings[${findingIndex}]`, rule: 'enqueueFailed',
        message: 'The broker could not queue this finding for delivery; nothing was lost on your side. Send it again shortly.' }];
    }
  }
}

