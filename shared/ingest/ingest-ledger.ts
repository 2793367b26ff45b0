import { compareTimestamps } from '../asff/timestamps.js';
import { ServiceUnavailableError } from '../errors.js';
import {
  keyText, STALE_UPDATED_AT, staleMessage, type AcceptedVersion, type FindingFate, type FindingKey, type FindingState, type Ledger,
} from '../ledger/ledger-model.js';
import type { Destination } from './finding-access.js';
import type { FindingResult } from './submit-findings.js';

/**
 * What ingest reads from and writes to the finding ledger (shared/ledger/): stale versions are said at
 * once, the submission is recorded before anything is queued (so its GET accounts for every finding),
 * and the versions queued, or seen in a scan, are noted afterwards.
 */
export interface IngestContext {
  submissionId: string;
  partnerId: string;
  findings: unknown[];
  results: FindingResult[];
  /** ms since the epoch. */
  now: number;
  scanId?: string;
}

export const keyOfFinding = (finding: unknown): FindingKey => {
  const { AwsAccountId, ProductArn, Id } = finding as { AwsAccountId: string; ProductArn: string; Id: string };
  return { accountId: AwsAccountId, productArn: ProductArn, id: Id };
};

/**
 * Security Hub ignores a version whose UpdatedAt is not later than the one it has ("If UpdatedAt on the
 * update matches or occurs before UpdatedAt on the existing finding, then the update is ignored", user
 * guide, BatchImportFindings). The ledger knows the last version the broker imported, so such a
 * finding is said `ignored` (StaleUpdatedAt) now and not queued. One BatchGetItem per 50 findings.
 * Returns the ignored findings' ledger states, by index (a scan saw them all the same).
 */
export async function judgeAgainstLedger(ledger: Ledger, context: IngestContext, destinations: Map<number, Destination>,
  serialized: Map<number, string>): Promise<Map<number, FindingState>> {
  const ignored = new Map<number, FindingState>();
  if (destinations.size === 0) return ignored;
  const { findings, results } = context;
  const indexes = [...destinations.keys()];
  let states: Map<string, FindingState>;
  try {
    states = await ledger.findingStates(indexes.map((index) => keyOfFinding(findings[index])));
  } catch (error) {
    throw new ServiceUnavailableError('LedgerUnavailable', 'The broker could not read its finding ledger; nothing was queued. Send the request again shortly.', error);
  }
  for (const index of indexes) {
    const finding = findings[index] as { UpdatedAt: string };
    const state = states.get(keyText(keyOfFinding(finding)));
    const imported = state?.imported;
    if (!imported || (compareTimestamps(finding.UpdatedAt, imported.updatedAt) ?? 1) > 0) continue;
    destinations.delete(index);
    serialized.delete(index);
    ignored.set(index, state);
    const result = results[index]!;
    result.status = 'ignored';
    result.warnings = [...(result.warnings ?? []), { path: `Findings[${index}].UpdatedAt`, rule: STALE_UPDATED_AT, message: staleMessage(finding.UpdatedAt, imported.updatedAt) }];
  }
  return ignored;
}

/** The submission's record, with the fates known now (rejected, ignored); written before anything is queued. */
export async function recordSubmission(ledger: Ledger, context: IngestContext, counts: { createdAt: string; posted: number; accepted: number }): Promise<void> {
  const { results, now } = context;
  const fates = results.flatMap((result): FindingFate[] => {
    const key = { index: result.index, ...(result.id === undefined ? {} : { id: result.id }) };
    if (result.status === 'rejected') {
      const first = result.errors?.[0];
      return [{ key, fate: 'rejected', stage: 'ingest', at: now, ...(first ? { code: first.rule, message: first.message } : {}) }];
    }
    if (result.status === 'ignored') {
      const stale = result.warnings?.find((warning) => warning.rule === STALE_UPDATED_AT);
      return [{ key, fate: 'ignored', stage: 'ingest', at: now, code: STALE_UPDATED_AT, ...(stale ? { message: stale.message } : {}) }];
    }
    return [];
  });
  try {
    if (context.scanId) await ledger.startScan(context.partnerId, context.scanId, now);
    await ledger.putSubmission({ submissionId: context.submissionId, partnerId: context.partnerId, ...counts,
      ...(context.scanId ? { scanId: context.scanId } : {}) }, fates);
  } catch (error) {
    throw new ServiceUnavailableError('LedgerUnavailable', 'The broker could not record this submission; nothing was queued. Send the request again shortly.', error);
  }
}

/**
 * After queueing: the versions queued (what a later stale or superseded version is judged by), the
 * findings the queue did not take, and, for a scan, the ignored ones as seen now (a completed scan
 * archives only what it did not see; their newest version stays the one the ledger had).
 */
export async function recordQueued(ledger: Ledger, context: IngestContext, queued: Map<number, Destination>, ignored: Map<number, FindingState>,
  onError?: (error: unknown) => void): Promise<void> {
  const { submissionId, findings, results, now, scanId } = context;
  const scan = scanId ? { scanId } : {};
  const accepted: Array<{ key: FindingKey; version: AcceptedVersion }> = [];
  const failed: Array<{ submissionId: string; fate: FindingFate }> = [];
  for (const index of queued.keys()) {
    const finding = findings[index] as { UpdatedAt: string };
    const result = results[index]!;
    if (result.status === 'accepted') accepted.push({ key: keyOfFinding(finding), version: { updatedAt: finding.UpdatedAt, submissionId, postedAt: now, ...scan } });
    else if (result.status === 'failed') {
      failed.push({ submissionId, fate: { key: { ...keyOfFinding(finding), index }, fate: 'failed', stage: 'ingest', at: now, code: 'enqueueFailed',
        message: result.errors?.[0]?.message ?? 'Not queued; send it again.' } });
    }
  }
  if (scanId) {
    for (const [index, state] of ignored) {
      const newest = [state.accepted, state.imported].filter((v) => v !== undefined)
        .sort((a, b) => compareTimestamps(b!.updatedAt, a!.updatedAt) ?? 0)[0]!;
      accepted.push({ key: keyOfFinding(findings[index]), version: { updatedAt: newest.updatedAt, submissionId: newest.submissionId, postedAt: now, scanId } });
    }
  }
  try {
    await Promise.all([
      accepted.length > 0 ? ledger.putAccepted(accepted) : undefined,
      failed.length > 0 ? ledger.putFates(failed) : undefined,
    ]);
  } catch (error) {
    onError?.(error);
  }
}
