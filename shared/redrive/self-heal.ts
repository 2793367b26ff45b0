import { describeFilter, type DlqFilter } from './dlq-filter.js';
import { redriveDeadLetters, type RedriveReport } from './dlq-operations.js';
import type { DlqQueues } from './dlq-receiver.js';
import type { DlqAuditLog } from './audit-log.js';

/**
 * Dead-letter codes a working registration cures: the customer's role or Security Hub refused, or the
 * registration was not ACTIVE. Not RegistrationOffboarded (final) and not InvalidInput (the partner's
 * finding is wrong, whatever the customer does).
 */
export const HEALABLE_CODES = [
  'AssumeRoleDenied', 'ImportAccessDenied', 'ImportAccessRefused', 'SecurityHubNotEnabled', 'ProductNotSubscribed',
  'DeniedByServiceControlPolicy', 'DeniedByResourceControlPolicy', 'RoleOutsideAccount',
  'RegistrationNotFound', 'RegistrationNotActive', 'RegistrationSuspended', 'RegistrationIncomplete', 'RegionNotRegistered',
] as const;
/** A finding redriven this often by self-healing and still failing waits for an operator instead of looping. */
export const MAX_AUTOMATIC_REDRIVES = 3;
/** Self-healing runs inside an API call (29 s): what it cannot reach in this time stays for the operator. */
export const SELF_HEAL_BUDGET_MS = 10_000;

export interface SelfHealDeps {
  queues: DlqQueues;
  audit?: DlqAuditLog;
  now?: () => Date;
}

/**
 * When a registration works again, its findings that waited in the DLQ for that reason go back out
 * by themselves, through the same redrive the operator uses.
 */
export async function redriveRecovered(deps: SelfHealDeps, scope: { accountId: string; productKey: string }): Promise<RedriveReport> {
  const filter: DlqFilter = {
    accounts: [scope.accountId], products: [scope.productKey], errorCodes: [...HEALABLE_CODES], maxRedrives: MAX_AUTOMATIC_REDRIVES,
  };
  const report = await redriveDeadLetters(deps.queues, { filter, timeBudgetMs: SELF_HEAL_BUDGET_MS });
  if (report.matchedMessages > 0) {
    await deps.audit?.record({
      action: 'self-heal', by: 'broker:verify', at: (deps.now?.() ?? new Date()).toISOString(), filter: describeFilter(filter),
      messages: report.matchedMessages, findings: report.matchedFindings, ...(report.complete ? {} : { note: 'time budget reached; the rest waits for an operator' }),
    });
  }
  return report;
}
