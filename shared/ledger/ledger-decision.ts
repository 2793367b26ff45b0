import { compareTimestamps } from '../asff/timestamps.js';
import type { Finding } from '../queue/delivery-message.js';
import { contentHash } from './content-hash.js';
import {
  keyText, STALE_UPDATED_AT, staleMessage, SUPERSEDED, supersededMessage, type FindingKey, type FindingState,
} from './ledger-model.js';

/** A finding about to be delivered, with what the ledger decision needs. */
export interface Candidate {
  key: FindingKey;
  finding: Finding;
  submissionId: string;
  /** The partner's change-only delivery switch (on unless the partner turned it off). */
  changeOnly: boolean;
}

export type LedgerDecision =
  /** Import it; `hash` is its content hash, for the ledger once imported. */
  | { kind: 'send'; hash: string }
  /** This very version was imported by an earlier attempt at this message (a retried record): done. */
  | { kind: 'imported-already' }
  /** Security Hub would ignore it (StaleUpdatedAt), or a newer version is queued (Superseded). */
  | { kind: 'ignored'; code: string; message: string }
  /** Same content as the last import, which is recent: re-importing would change nothing but the bill. */
  | { kind: 'unchanged' };

/**
 * What to do with each candidate, given the ledger's state of each finding, in order:
 * 1. of several versions of one finding in the batch, only the newest UpdatedAt is sent (the last of
 *    equal ones); the older are Superseded, the equal earlier ones StaleUpdatedAt;
 * 2. a version not later than the last imported is StaleUpdatedAt: "If the UpdatedAt value is earlier
 *    than or equal to the existing UpdatedAt, the update is ignored" is how Security Hub treats it
 *    (user guide, BatchImportFindings) - unless it is that very import, by this submission, retried;
 * 3. a version older than the newest accepted one is Superseded: the newer one is queued;
 * 4. with change-only delivery, content equal to the last import's, imported less than `refreshMs`
 *    ago, is unchanged (Security Hub deletes ACTIVE findings not updated for 90 days, so the refresh
 *    re-imports unchanged findings now and then to keep them);
 * 5. the rest is sent.
 */
export function decideDeliveries(candidates: Candidate[], states: Map<string, FindingState>, now: number, refreshMs: number): LedgerDecision[] {
  const newestInBatch = new Map<string, number>();
  candidates.forEach((candidate, index) => {
    const text = keyText(candidate.key);
    const best = newestInBatch.get(text);
    if (best === undefined || (compareTimestamps(candidate.finding.UpdatedAt, candidates[best]!.finding.UpdatedAt) ?? 0) >= 0) newestInBatch.set(text, index);
  });
  return candidates.map((candidate): LedgerDecision => {
    const text = keyText(candidate.key);
    const updatedAt = textOf(candidate.finding.UpdatedAt);
    const newest = candidates[newestInBatch.get(text)!]!;
    if (newest !== candidate) {
      const newer = textOf(newest.finding.UpdatedAt);
      return (compareTimestamps(updatedAt, newer) ?? 0) < 0
        ? { kind: 'ignored', code: SUPERSEDED, message: supersededMessage(updatedAt, newer) }
        : { kind: 'ignored', code: STALE_UPDATED_AT, message: staleMessage(updatedAt, newer) };
    }
    const state = states.get(text);
    const imported = state?.imported;
    if (imported) {
      const order = compareTimestamps(updatedAt, imported.updatedAt) ?? 0;
      if (order === 0 && imported.submissionId === candidate.submissionId) return { kind: 'imported-already' };
      if (order <= 0) return { kind: 'ignored', code: STALE_UPDATED_AT, message: staleMessage(updatedAt, imported.updatedAt) };
    }
    const accepted = state?.accepted;
    if (accepted && (compareTimestamps(updatedAt, accepted.updatedAt) ?? 0) < 0) {
      return { kind: 'ignored', code: SUPERSEDED, message: supersededMessage(updatedAt, accepted.updatedAt) };
    }
    const hash = contentHash(candidate.finding);
    if (candidate.changeOnly && imported && imported.hash === hash && now - imported.importedAt < refreshMs) return { kind: 'unchanged' };
    return { kind: 'send', hash };
  });
}

/** A finding's UpdatedAt as text for messages (a message not written by ingest may hold anything there). */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '(not a timestamp)';
}
