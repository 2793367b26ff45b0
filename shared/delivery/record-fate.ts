import { THROTTLED, type Failure } from '../diagnostics/failure-catalog.js';
import { HELD_FOR_FULL_CALL } from './finding-outcome.js';
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
   * Send these to the DLQ and these back to the delivery queue (each with the scope it goes back
   * with: when it was first deferred, the delivery attempts spent); once both are sent the record is
   * done (deleted), else it is retried whole.
   */
  | { fate: 'settle'; deadLetters: Array<{ finding: Finding; group: DeliveryGroup; failure: Failure; attempts: number }>; deferrals: Array<{ finding: Finding; group: DeliveryGroup }> };

/**
 * Decides what becomes of one SQS record from its findings' outcomes:
 * - a finding to retry (a role refused on a first receive: IAM may still be propagating) sends the
 *   whole record back to SQS (its imported findings are imported again, which Security Hub ignores for
 *   an equal UpdatedAt; its dead letters and deferrals come back with it), unless this was the last
 *   receive (`maxReceiveCount`): then SQS would move it to the DLQ without a reason, so the findings
 *   to retry are dead-lettered here with theirs;
 * - deferred findings are re-queued as new messages, so the FIFO group is not held for a visibility
 *   timeout and no receive is spent. Throttled ones wait for their quota up to MAX_DEFERRAL_MS; ones
 *   that failed otherwise (5xx, network) count each round as a delivery attempt (`attempts` in the
 *   message) and are dead-lettered after `maxReceiveCount` of them, as SQS would have;
 * - dead letters go to the DLQ with their failure.
 */
export function recordFate(findings: RecordFinding[], receiveCount: number, maxReceiveCount: number, now: Date): RecordFate {
  const retries = findings.filter((item) => item.outcome.kind === 'retry');
  if (retries.length > 0 && receiveCount < maxReceiveCount) {
    return { fate: 'retry', failure: (retries.at(-1)!.outcome as { failure: Failure }).failure };
  }
  const deadLetters: Array<{ finding: Finding; group: DeliveryGroup; failure: Failure; attempts: number }> = [];
  const deferrals: Array<{ finding: Finding; group: DeliveryGroup }> = [];
  for (const { finding, group, outcome } of findings) {
    const attempts = (group.attempts ?? 0) + receiveCount;
    const giveUp = (message: string) => deadLetters.push({ finding, group, attempts,
      failure: { kind: 'permanent', code: (outcome as { failure: Failure }).failure.code, message } });
    switch (outcome.kind) {
      case 'imported':
      case 'ignored':
      case 'unchanged':
        break;
      case 'dead-letter':
        deadLetters.push({ finding, group, attempts, failure: outcome.failure });
        break;
      case 'retry':
        giveUp(`Gave up after ${attempts} deliveries; last error: ${outcome.failure.message}. Redrive once the cause has passed.`);
        break;
      case 'defer': {
        if (outcome.failure.code !== THROTTLED && outcome.failure.code !== HELD_FOR_FULL_CALL) {
          if (attempts >= maxReceiveCount) {
            giveUp(`Gave up after ${attempts} deliveries; last error: ${outcome.failure.message}. Redrive once the cause has passed.`);
          } else {
            deferrals.push({ finding, group: { ...group, attempts } });
          }
          break;
        }
        const since = group.deferredSince ? Date.parse(group.deferredSince) : now.getTime();
        if (now.getTime() - since <= MAX_DEFERRAL_MS) {
          deferrals.push({ finding, group: { ...group, deferredSince: group.deferredSince ?? now.toISOString() } });
          break;
        }
        giveUp(`Gave up after ${Math.round((now.getTime() - since) / 60_000)} minutes of waiting for account ${group.accountId}'s BatchImportFindings quota in ${group.region}; last error: ${outcome.failure.message}. Another tool may be spending the quota; redrive once it is free.`);
        break;
      }
    }
  }
  return { fate: 'settle', deadLetters, deferrals };
}
