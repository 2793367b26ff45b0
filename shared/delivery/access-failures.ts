import type { Failure } from '../diagnostics/failure-catalog.js';
import type { Registration } from '../registry/model.js';
import type { Registry } from '../registry/registry.js';

/**
 * When deliver suspends an ACTIVE registration on its own: after this many access failures, the first
 * at least `windowMs` before the last, with no successful import in between. One refused batch is not
 * enough: IAM changes take seconds to apply everywhere (IAM user guide, "Changes that I make are not
 * always immediately visible"), and a customer mid-fix should not be suspended for it. Five minutes of
 * refusals across three batches is a broken setup: suspension stops the AssumeRole calls that fill
 * the customer's CloudTrail with denials, and the customer's GET shows why.
 */
export const SUSPENSION_POLICY = { failures: 3, windowMs: 5 * 60_000 } as const;
export type SuspensionPolicy = { failures: number; windowMs: number };

/** Failures that say the customer's setup refuses the broker; recorded on the registration so the customer sees them. */
const ACCESS_CODES: ReadonlySet<string> = new Set([
  'AssumeRoleDenied', 'ImportAccessDenied', 'DeniedByServiceControlPolicy', 'DeniedByResourceControlPolicy',
  'SecurityHubNotEnabled', 'ProductNotSubscribed',
]);
/**
 * Of those, the ones that concern the whole registration. Security Hub or an integration being off
 * concerns one Region only: recorded, but the registration's other Regions keep flowing.
 */
const SUSPENDING_CODES: ReadonlySet<string> = new Set(['AssumeRoleDenied', 'ImportAccessDenied', 'DeniedByServiceControlPolicy', 'DeniedByResourceControlPolicy']);

export interface DestinationOutcome {
  registration: Registration;
  region: string;
  imported: number;
  /** The failure that stopped the destination or one of its products, if any. */
  failure?: Failure;
}

/** Records what deliver learned about a registration's access: failures counted (and maybe suspended), or a success that clears them. */
export async function recordAccessOutcome(registry: Registry, outcome: DestinationOutcome, policy: SuspensionPolicy, now: Date): Promise<'suspended' | 'recorded' | 'cleared' | 'none'> {
  const { registration, failure } = outcome;
  if (registration.status !== 'ACTIVE') return 'none';
  if (!failure || !ACCESS_CODES.has(failure.code)) {
    if (outcome.imported > 0 && registration.accessFailures) {
      await registry.clearAccessFailures(registration.accountId, registration.productKey);
      return 'cleared';
    }
    return 'none';
  }
  const recorded = await registry.recordAccessFailure(registration.accountId, registration.productKey, {
    lastAt: now.toISOString(), code: failure.code, message: failure.message.slice(0, 1024), region: outcome.region,
  });
  if (!recorded || !SUSPENDING_CODES.has(failure.code)) return 'recorded';
  const span = Date.parse(recorded.lastAt) - Date.parse(recorded.firstAt);
  if (recorded.count < policy.failures || span < policy.windowMs) return 'recorded';
  const suspended = await registry.suspendRegistration(registration.accountId, registration.productKey, {
    at: now.toISOString(), by: 'broker:deliver',
    reason: `${recorded.count} deliveries refused since ${recorded.firstAt} (${failure.code}); fix it, then POST .../verify`,
  });
  return suspended ? 'suspended' : 'recorded';
}
