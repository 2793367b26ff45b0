import type { Failure } from '../diagnostics/failure-catalog.js';
import type { DeliveryMessage } from '../queue/delivery-message.js';
import { isRoleOfAccount } from '../onboarding/role-arn.js';
import type { Registration } from '../registry/model.js';

/**
 * Why a queued message can no longer be delivered under its registration (it was checked at
 * ingest, but customers offboard, suspend or drop Regions while findings wait in the queue).
 */
export function registrationProblem(registration: Registration | undefined, message: DeliveryMessage): Failure | undefined {
  const scope = `account ${message.accountId}, product ${message.productKey}`;
  if (!registration || registration.partnerId !== message.partnerId) {
    return { kind: 'permanent', code: 'RegistrationNotFound', message: `No registration for ${scope}; the customer must register again, then redrive.` };
  }
  if (registration.status === 'OFFBOARDED') {
    return { kind: 'permanent', code: 'RegistrationOffboarded', message: `The customer offboarded ${scope}; these findings will not be delivered. Purge them.` };
  }
  if (registration.status === 'SUSPENDED') {
    const why = registration.accessFailures ? ` after repeated ${registration.accessFailures.code}: ${registration.accessFailures.message}` : '';
    return { kind: 'permanent', code: 'RegistrationSuspended',
      message: `The registration for ${scope} is SUSPENDED${why}. Redrive once the customer has fixed it and re-verified (POST /v1/registrations/${message.productKey}/verify).` };
  }
  if (registration.status !== 'ACTIVE') {
    return { kind: 'permanent', code: 'RegistrationNotActive', message: `The registration for ${scope} is ${registration.status}; redrive once it is ACTIVE, or purge.` };
  }
  if (!registration.regions.includes(message.region)) {
    return { kind: 'permanent', code: 'RegionNotRegistered', message: `The registration for ${scope} no longer includes ${message.region}; add the Region, then redrive.` };
  }
  if (registration.mode === 'cross-account-role' && (!registration.roleArn || !registration.externalId)) {
    return { kind: 'permanent', code: 'RegistrationIncomplete', message: `The registration for ${scope} has no role ARN or ExternalId; set the role, then redrive.` };
  }
  // Defence in depth: the onboarding rules already refuse a role in another account; never assume one.
  if (registration.mode === 'cross-account-role' && !isRoleOfAccount(registration.roleArn!, registration.accountId)) {
    return { kind: 'permanent', code: 'RoleOutsideAccount',
      message: `The registration for ${scope} names role ${registration.roleArn}, which is not a role in account ${message.accountId}; the broker assumes only a role in the customer's own account. The customer must set its own role, then redrive.` };
  }
  return undefined;
}
