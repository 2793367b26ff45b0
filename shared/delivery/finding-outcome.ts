import type { Failure } from '../diagnostics/failure-catalog.js';

/**
 * How one finding's delivery ended in an invocation. Every step of delivery returns these, and
 * record-fate.ts turns a record's outcomes into what happens to its SQS message.
 */
export type FindingOutcome =
  | { kind: 'imported' }
  /** Not sent, by the ledger's decision (ledger-decision.ts): Security Hub would ignore it, or a newer version is queued. */
  | { kind: 'ignored'; code: string; message: string }
  /** Not sent: the same content was imported recently (change-only delivery). */
  | { kind: 'unchanged' }
  /** Nothing changes until someone fixes the cause: the finding goes to the DLQ with the failure. */
  | { kind: 'dead-letter'; failure: Failure }
  /** May succeed after a while: the record goes back to SQS and is received again a visibility timeout later. */
  | { kind: 'retry'; failure: Failure }
  /** May succeed soon (throttled, out of time for the quota, 5xx, network): re-queued as a new message, no receive spent. */
  | { kind: 'defer'; failure: Failure };

export const IMPORTED: FindingOutcome = { kind: 'imported' };

/** Transient failures are deferred (record-fate.ts bounds how often); the rest is dead-lettered. */
export function outcomeOf(failure: Failure): FindingOutcome {
  if (failure.kind === 'transient' || failure.kind === 'credentials-expired') return { kind: 'defer', failure };
  return { kind: 'dead-letter', failure };
}

/** The code of findings held back to fill a later call (deliver-group.ts): waiting, not failing. */
export const HELD_FOR_FULL_CALL = 'HeldForFullCall';
