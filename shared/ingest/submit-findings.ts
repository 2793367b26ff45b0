import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { validateFinding, type FindingIssue } from '../asff/validate.js';
import { ForbiddenError, ServiceUnavailableError } from '../errors.js';
import { compareTimestamps } from '../asff/timestamps.js';
import {
  keyText, STALE_UPDATED_AT, staleMessage, type FindingFate, type FindingKey, type FindingState, type Ledger, type SubmissionSummary,
} from '../ledger/ledger-model.js';
import { groupAttributes, messageGroupIdOf, packSerializedFindings } from '../queue/delivery-message.js';
import { sqsSafeJson } from '../queue/sqs-characters.js';
import { sendMessages, type OutgoingMessage } from '../queue/sqs-sender.js';
import type { Registry } from '../registry/registry.js';
import { FindingAccessCheck, type Destination } from './finding-access.js';
import { boundIssues } from './bounded-results.js';
import { queueFitIssue } from './queue-fit.js';
import { checkMediaType, parseFindingsRequest } from './request-body.js';

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
  body: string | null | undefined;
  isBase64Encoded?: boolean;
  contentType?: string;
  contentEncoding?: string;
  /** Validate and authorize only; enqueue nothing (`POST /v1/findings:validate`). */
  dryRun: boolean;
}

/**
 * The ingest use case: judge every finding (ASFF rules, then the partner's right to post it),
 * queue the accepted ones grouped by customer account, Region and product, and report each
 * finding's fate. A finding is reported `accepted` only once it is on the delivery queue.
 */
export async function submitFindings(input: SubmitInput, deps: SubmitDeps): Promise<SubmissionReply> {
  checkMediaType(input.contentType, input.contentEncoding);
  const findings = parseFindingsRequest(input.body, input.isBase64Encoded);
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

  if (!input.dryRun && deps.ledger) {
    await judgeAgainstLedger(deps.ledger, findings, destinations, serialized, results);
    await recordSubmission(deps.ledger, { submissionId, partnerId: partner.partnerId, createdAt: (deps.now?.() ?? new Date()).toISOString(),
      posted: findings.length, accepted: destinations.size }, results);
  }
  if (!input.dryRun && destinations.size > 0) {
    await enqueue(submissionId, partner.partnerId, serialized, destinations, results, deps);
    if (deps.ledger) await recordQueued(deps.ledger, submissionId, findings, destinations, results, deps);
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

async function enqueue(
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
    let offset = 0;
    for (const { body, count } of packSerializedFindings(group, indexes.map((i) => serialized.get(i)!))) {
      // The deduplication id names this submission's message: an SDK retry of a send SQS already took is dropped by SQS.
      outgoing.push({ body, sqsSafe: true, attributes: groupAttributes(group), groupId: messageGroupIdOf(group), deduplicationId: `${submissionId}:${outgoing.length}` });
      indexesOfMessage.push(indexes.slice(offset, offset + count));
      offset += count;
    }
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

/**
 * The HTTP status that sums up a submission: 202 all queued (ignored ones aside), 200 nothing to queue
 * (all ignored), 207 mixed, 400 none valid, 503 none queued.
 */
export function submissionStatus(reply: SubmissionReply): number {
  if (reply.dryRun) return reply.rejected === 0 ? 200 : reply.accepted === 0 ? 400 : 207;
  if (reply.rejected === 0 && reply.failed === 0) return reply.accepted > 0 ? 202 : 200;
  if (reply.accepted > 0 || reply.ignored > 0) return 207;
  return reply.failed > 0 ? 503 : 400;
}

const keyOfFinding = (finding: unknown): FindingKey => {
  const { AwsAccountId, ProductArn, Id } = finding as { AwsAccountId: string; ProductArn: string; Id: string };
  return { accountId: AwsAccountId, productArn: ProductArn, id: Id };
};

/**
 * Security Hub ignores a version whose UpdatedAt is not later than the one it has ("If UpdatedAt on the
 * update matches or occurs before UpdatedAt on the existing finding, then the update is ignored", user
 * guide, BatchImportFindings). The ledger knows the last version the broker imported, so such a
 * finding is said `ignored` (StaleUpdatedAt) now and not queued. One BatchGetItem per 50 findings.
 */
async function judgeAgainstLedger(ledger: Ledger, findings: unknown[], destinations: Map<number, Destination>, serialized: Map<number, string>,
  results: FindingResult[]): Promise<void> {
  if (destinations.size === 0) return;
  const indexes = [...destinations.keys()];
  let states: Map<string, FindingState>;
  try {
    states = await ledger.findingStates(indexes.map((index) => keyOfFinding(findings[index])));
  } catch (error) {
    throw new ServiceUnavailableError('LedgerUnavailable', 'The broker could not read its finding ledger; nothing was queued. Send the request again shortly.', error);
  }
  for (const index of indexes) {
    const finding = findings[index] as { UpdatedAt: string };
    const imported = states.get(keyText(keyOfFinding(finding)))?.imported;
    if (!imported || (compareTimestamps(finding.UpdatedAt, imported.updatedAt) ?? 1) > 0) continue;
    destinations.delete(index);
    serialized.delete(index);
    const result = results[index]!;
    result.status = 'ignored';
    result.warnings = [...(result.warnings ?? []), { path: `Findings[${index}].UpdatedAt`, rule: STALE_UPDATED_AT, message: staleMessage(finding.UpdatedAt, imported.updatedAt) }];
  }
}

/** The submission's record, with the fates known now (rejected, ignored); written before anything is queued. */
async function recordSubmission(ledger: Ledger, summary: SubmissionSummary, results: FindingResult[]): Promise<void> {
  const now = Date.parse(summary.createdAt);
  const fates = results.flatMap((result): FindingFate[] => {
    if (result.status === 'rejected') {
      const first = result.errors?.[0];
      return [{ key: { index: result.index, ...(result.id === undefined ? {} : { id: result.id }) }, fate: 'rejected', stage: 'ingest', at: now,
        ...(first ? { code: first.rule, message: first.message } : {}) }];
    }
    if (result.status === 'ignored') {
      const stale = result.warnings?.find((warning) => warning.rule === STALE_UPDATED_AT);
      return [{ key: { index: result.index, ...(result.id === undefined ? {} : { id: result.id }) }, fate: 'ignored', stage: 'ingest', at: now,
        code: STALE_UPDATED_AT, ...(stale ? { message: stale.message } : {}) }];
    }
    return [];
  });
  try {
    await ledger.putSubmission(summary, fates);
  } catch (error) {
    throw new ServiceUnavailableError('LedgerUnavailable', 'The broker could not record this submission; nothing was queued. Send the request again shortly.', error);
  }
}

/** The versions now queued (what a later stale or superseded version is judged by), and the findings the queue did not take. */
async function recordQueued(ledger: Ledger, submissionId: string, findings: unknown[], destinations: Map<number, Destination>, results: FindingResult[],
  deps: SubmitDeps): Promise<void> {
  const postedAt = (deps.now?.() ?? new Date()).getTime();
  const queued = [...destinations.keys()].filter((index) => results[index]!.status === 'accepted');
  const failed = [...destinations.keys()].filter((index) => results[index]!.status === 'failed');
  try {
    await Promise.all([
      ledger.putAccepted(queued.map((index) => ({ key: keyOfFinding(findings[index]),
        version: { updatedAt: (findings[index] as { UpdatedAt: string }).UpdatedAt, submissionId, postedAt } }))),
      failed.length > 0 ? ledger.putFates(failed.map((index) => ({ submissionId, fate: { key: { ...keyOfFinding(findings[index]), index }, fate: 'failed',
        stage: 'ingest', at: postedAt, code: 'enqueueFailed', message: results[index]!.errors?.[0]?.message ?? 'Not queued; send it again.' } as FindingFate }))) : undefined,
    ]);
  } catch (error) {
    deps.onLedgerError?.(error);
  }
}
