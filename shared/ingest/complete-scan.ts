import { randomUUID } from 'node:crypto';
import { compareTimestamps } from '../asff/timestamps.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.js';
import type { Ledger, FindingSummary } from '../ledger/ledger-model.js';
import { sqsSafeJson } from '../queue/sqs-characters.js';
import { FindingAccessCheck, type Destination } from './finding-access.js';
import type { FindingIssue } from '../asff/validate.js';
import { enqueue, type FindingResult, type SubmitDeps } from './submit-findings.js';

/** Accounts one completion may name: each is a ledger partition read and, at worst, a batch of archive imports. */
export const MAX_SCAN_ACCOUNTS = 100;

export interface ScanScope {
  /** Customer accounts the scan covered. */
  accounts: string[];
  /** The product (and so the Region) the scan covered: one of the partner's product ARNs. */
  productArn: string;
  /** Only findings of these generators (GeneratorId); all of the product's when absent. */
  generatorIds?: string[];
}

export interface ScanCompletion {
  scanId: string;
  /** When the scan's first finding was posted: what it archives was last posted before. */
  startedAt: string;
  completedAt: string;
  /** The archive imports, as a submission (GET /v1/submissions/{id} follows them); absent when nothing was to archive. */
  archiveSubmissionId?: string;
  archived: number;
  /** Per account: the findings archived, or why the account was left out. */
  accounts: Array<{ accountId: string; archived: number } | { accountId: string; error: FindingIssue }>;
}

/**
 * Which of an account's findings a completed scan archives: those Security Hub holds ACTIVE from the
 * broker (their last import), of the scope's generators, that were last posted before the scan began
 * (so not in this scan, nor in any post since, whoever made it). A finding never imported is not in
 * Security Hub, and one archived already stays so.
 */
export function archiveCandidates(summaries: FindingSummary[], startedAt: number, generatorIds?: string[]): FindingSummary[] {
  return summaries.filter(({ accepted, imported }) => {
    if (!imported || imported.recordState !== 'ACTIVE') return false;
    if (generatorIds && !generatorIds.includes(imported.generatorId)) return false;
    const lastPosted = accepted?.postedAt ?? imported.importedAt;
    return lastPosted < startedAt;
  });
}

/**
 * The archiving version of a finding, from its last import: RecordState ARCHIVED and a later UpdatedAt,
 * as the user guide says providers archive ("Finding providers can use the BatchImportFindings
 * operation ... to archive findings that they created", securityhub-concepts; RecordState "can only be
 * updated by BatchImportFindings"), resent whole ("Resend the full finding with the appropriate
 * information updated in the request, including a modified UpdatedAt timestamp", custom providers).
 * The UpdatedAt is now, or a millisecond past the last one when that is not earlier (a partner clock ahead).
 */
export function archivedVersion(json: string, now: number): Record<string, unknown> {
  const finding = JSON.parse(json) as Record<string, unknown>;
  let updatedAt = new Date(now).toISOString();
  if ((compareTimestamps(updatedAt, finding.UpdatedAt) ?? 1) <= 0) {
    updatedAt = new Date(Date.parse(String(finding.UpdatedAt)) + 1).toISOString();
  }
  return { ...finding, RecordState: 'ARCHIVED', UpdatedAt: updatedAt };
}

/**
 * `POST /v1/scans/{scanId}/complete`: the partner says its scan of `scope` is done; every ACTIVE finding
 * of that scope that the ledger holds and the scan did not include is archived, through the delivery
 * queue like any import (paced, dead-lettered with a reason if the customer's role refuses). No
 * GetFindings: the ledger knows what was imported. A scan that is never completed archives nothing;
 * completing it again answers the first completion.
 */
export async function completeScan(partnerId: string, scanId: string, scope: ScanScope, deps: SubmitDeps & { ledger: Ledger }): Promise<ScanCompletion> {
  if (scope.accounts.length === 0 || scope.accounts.length > MAX_SCAN_ACCOUNTS) {
    throw new BadRequestError('InvalidScope', `Name 1 to ${MAX_SCAN_ACCOUNTS} accounts in "accounts"; complete the scan once per group of accounts.`);
  }
  const partner = await deps.registry.getPartner(partnerId);
  if (!partner) throw new ForbiddenError('UnknownPartner', 'Your token belongs to no partner on record; ask the broker operator to check your account.');
  const scan = await deps.ledger.scan(partnerId, scanId);
  if (!scan) {
    throw new NotFoundError('ScanNotFound', `No findings of yours were posted with scan ${scanId}: post them with POST /v1/findings?scan=${scanId} first. Completing a scan never seen would archive everything in scope.`);
  }
  if (scan.result) return scan.result as unknown as ScanCompletion;

  const now = (deps.now?.() ?? new Date()).getTime();
  const access = new FindingAccessCheck(partner, deps.registry);
  const submissionId = randomUUID();
  const findings: Array<Record<string, unknown>> = [];
  const destinations = new Map<number, Destination>();
  const serialized = new Map<number, string>();
  const accounts: ScanCompletion['accounts'] = [];
  for (const accountId of [...new Set(scope.accounts)]) {
    const allowed = await access.check({ ProductArn: scope.productArn, AwsAccountId: accountId }, 0);
    if (!allowed.ok) {
      accounts.push({ accountId, error: { ...allowed.issue, path: 'accounts' } });
      continue;
    }
    const candidates = archiveCandidates(await deps.ledger.findingSummaries(accountId, scope.productArn), scan.startedAt, scope.generatorIds);
    const json = await deps.ledger.importedJson(accountId, scope.productArn, candidates.map((candidate) => candidate.id));
    let archived = 0;
    for (const candidate of candidates) {
      const text = json.get(candidate.id);
      if (text === undefined) continue;
      const index = findings.length;
      const finding = archivedVersion(text, now);
      findings.push(finding);
      destinations.set(index, allowed.destination);
      serialized.set(index, sqsSafeJson(JSON.stringify(finding)));
      archived += 1;
    }
    accounts.push({ accountId, archived });
  }

  const results: FindingResult[] = findings.map((finding, index) => ({ index, id: String(finding.Id), status: 'accepted' }));
  if (findings.length > 0) {
    await deps.ledger.putSubmission({ submissionId, partnerId, createdAt: new Date(now).toISOString(), posted: findings.length,
      accepted: findings.length, scanId }, []);
    await enqueue(submissionId, partnerId, serialized, destinations, results, deps);
    // The archiving versions are the newest accepted now: a retried completion does not archive them twice.
    await deps.ledger.putAccepted(findings.flatMap((finding, index) => (results[index]!.status === 'accepted'
      ? [{ key: { accountId: String(finding.AwsAccountId), productArn: String(finding.ProductArn), id: String(finding.Id) },
        version: { updatedAt: String(finding.UpdatedAt), submissionId, postedAt: now, scanId } }]
      : [])));
  }
  const completion: ScanCompletion = {
    scanId, startedAt: new Date(scan.startedAt).toISOString(), completedAt: new Date(now).toISOString(),
    ...(findings.length > 0 ? { archiveSubmissionId: submissionId } : {}),
    archived: results.filter((result) => result.status === 'accepted').length,
    accounts,
  };
  // Only a completion whose archive imports were all queued is final; otherwise the partner completes it again.
  if (results.every((result) => result.status === 'accepted')) await deps.ledger.completeScan(partnerId, scanId, now, completion as unknown as Record<string, unknown>);
  return completion;
}
