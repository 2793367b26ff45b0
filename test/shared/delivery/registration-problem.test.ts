import { describe, expect, it } from 'vitest';
import { registrationProblem } from '#shared/delivery/registration-problem.js';
import type { DeliveryMessage } from '#shared/queue/delivery-message.js';
import type { Registration } from '#shared/registry/model.js';

const message = { v: 1, submissionId: 's-1', partnerId: 'acme', accountId: '222222222222', region: 'us-east-1', productKey: 'acme/scanner', findings: [] } as unknown as DeliveryMessage;
const registration: Registration = {
  accountId: '222222222222', productKey: 'acme/scanner', partnerId: 'acme', regions: ['us-east-1'], mode: 'cross-account-role',
  roleArn: 'arn:aws:iam::222222222222:role/SecurityHubFindingsBroker-acme', externalId: 'x'.repeat(43), status: 'ACTIVE',
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
};

describe('why a queued message cannot be delivered under its registration', () => {
  it('has no problem with an ACTIVE registration whose role is in the customer account', () => {
    expect(registrationProblem(registration, message)).toBeUndefined();
  });

  it('treats a registration that now belongs to another partner as not found (delivery-side tenant isolation)', () => {
    expect(registrationProblem({ ...registration, partnerId: 'globex' }, message)).toMatchObject({ code: 'RegistrationNotFound' });
    expect(registrationProblem(undefined, message)).toMatchObject({ code: 'RegistrationNotFound' });
  });

  it('refuses to assume a role outside the registration\'s account (defence in depth), saying so', () => {
    const problem = registrationProblem({ ...registration, roleArn: 'arn:aws:iam::999999999999:role/SecurityHubFindingsBroker-acme' }, message);
    expect(problem).toMatchObject({ kind: 'permanent', code: 'RoleOutsideAccount' });
    expect(problem!.message).toContain('not a role in account 222222222222');
  });

  it.each([
    ['OFFBOARDED', 'RegistrationOffboarded', /offboarded.*Purge/],
    ['SUSPENDED', 'RegistrationSuspended', /SUSPENDED after repeated AssumeRoleDenied.*verify/],
    ['PENDING', 'RegistrationNotActive', /PENDING/],
  ] as const)('dead-letters findings of a %s registration with %s', (status, code, text) => {
    const problem = registrationProblem({
      ...registration, status,
      accessFailures: { count: 3, firstAt: '2026-01-01T00:00:00Z', lastAt: '2026-01-01T00:10:00Z', code: 'AssumeRoleDenied', message: 'denied', region: 'us-east-1' },
    }, message);
    expect(problem).toMatchObject({ code });
    expect(problem!.message).toMatch(text);
  });
});
