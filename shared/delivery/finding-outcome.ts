import { THROTTLED, type Failure } from '../diagnostics/failure-catalog.js';

/**
 * How one finding's delivery ended in an invocation. Every step of delivery returns these, and
 * record-fate.ts turns a record's outcomes into what happens to its SQS message.
 */
export type FindingOutcome =
  | { kind: 'imported' }
  /** Nothing changes until someone fixes the cause: the finding goes to the DLQ with the failure. */
  | { kind: 'dead-letter'; failure: Failure }
  /** May succeed later: the record goes back to SQS and is received again (one receive spent). */
  | { kind: 'retry'; failure: Failure }
  /** The quota was spent (throttled, or out of time for it): re-queued as a new message, no receive spent. */
  | { kind: 'defer'; failure: Failure };

export const IMPORTED: FindingOutcome = { kind: 'imported' };

/** Throttling defers; any other transient failure retries; the rest is dead-lettered. */
export function outcomeOf(failure: Failure): FindingOutcome {
  if (failure.code === THROTTLED) return { kind: 'defer', failure };
  if (failure.kind === 'transient' || failure.kind === 'credentials-expired') return { kind: 'retry', failure };
  return { kind: 'dead-letter', failure };
}
