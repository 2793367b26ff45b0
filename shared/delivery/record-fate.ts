import type { Failure } from '../diagnostics/failure-catalog.js';
import { MAX_DEFERRAL_MS } from '../limits.js';
import type { DeliveryGroup, Finding } from '../queue/delivery-message.js';
import type { FindingOutcome } from './finding-outcome.js';

/** One finding of an SQS record, the scope it travels with, and how its delivery ended. */
export interface RecordFinding {
  finding: Finding;
  group: DeliveryGroup;
  outcome: FindingOutcome;
}

export type RecordFate =
  /** Report the record as a batch item failure: SQS hands all of it back after the visibility timeout. */
  | { fate: 'retry'; failure: Failure }
  /**
   * Send these to the DLQ and these back to the delivery queue; once both are sent the record is
   * done (deleted), else it is retried whole.
   */
  | { fate: 'settle'; deadLetters: Array<{ finding: Finding; group: DeliveryGroup; failure: Failure }>; deferrals: Array<{ finding: Finding; group: DeliveryGroup }> };

/**
 * Decides what becomes of one SQS record from its findings' outcomes:
 * - a finding to retry sends the whole record back to SQS (its imported findings are imported again,
 *   which Security Hub ignores for an equal UpdatedAt; its dead letters and deferrals come back with
 *   it), unless this was the last receive (`maxReceiveCount`): then SQS would move it to the DLQ
 *   without a reason, so the findings to retry are dead-lettered here with theirs;
 * - deferred findings are re-queued, unless they have been deferred since longer than MAX_DEFERRAL_MS;
 * - dead letters go to the DLQ with their failure.
 */
export function recordFate(findings: RecordFinding[], receiveCount: number, maxReceiveCount: number, now: Date): RecordFate {
  const retries = findings.filter((item) => item.outcome.kind === 'retry');
  if (retries.length > 0 && receiveCount < maxReceiveCount) {
    return { fate: 'retry', failure: (retries.at(-1)!.outcome as { failure: Failure }).failure };
  }
  const deadLetters: Array<{ finding: Finding; group: DeliveryGroup; failure: Failure }> = [];
  const deferrals: Array<{ finding: Finding; group: DeliveryGroup }> = [];
  for (const { finding, group, outcome } of findings) {
    switch (outcome.kind) {
      case 'imported':
        break;
      case 'dead-letter':
        deadLetters.push({ finding, group, failure: outcome.failure });
        break;
      case 'retry':
        deadLetters.push({ finding, group, failure: { kind: 'permanent', code: outcome.failure.code,
          message: `Gave up after ${receiveCount} deliveries; last error: ${outcome.failure.message}. Redrive once the cause has passed.` } });
        break;
      case 'defer': {
        const since = group.deferredSince ? Date.parse(group.deferredSince) : now.getTime();
        if (now.getTime() - since <= MAX_DEFERRAL_MS) {
          deferrals.push({ finding, group });
          break;
        }
        deadLetters.push({ finding, group, failure: { kind: 'permanent', code: outcome.failure.code,
          message: `Gave up after ${Math.round((now.getTime() - since) / 60_000)} minutes of waiting for account ${group.accountId}'s BatchImportFindings quota in ${group.region}; last error: ${outcome.failure.message}. Another tool may be spending the quota; redrive once it is free.` } });
        break;
      }
    }
  }
  return { fate: 'settle', deadLetters, deferrals };
}
