import { describe, expect, it } from 'vitest';
import { statusReason } from '#shared/onboarding/registration-view.js';

describe('statusReason', () => {
  it('asks a cross-account-role registration for its role, then for a passing verification', () => {
    expect(statusReason({ status: 'PENDING', mode: 'cross-account-role' })).toMatch(/^Waiting for the role: .* PUT \.\.\.\/role\.$/);
    expect(statusReason({ status: 'PENDING', mode: 'cross-account-role', roleArn: 'arn:aws:iam::222222222222:role/SecurityHubFindingsBroker-x' }))
      .toMatch(/^Waiting for a verification that passes/);
    expect(statusReason({ status: 'ACTIVE', mode: 'cross-account-role' })).toMatch(/^Verified: /);
  });

  it.each(['partner-account', 'customer-hosted'] as const)('tells a %s registration, which has no role, that the operator activates it', (mode) => {
    expect(statusReason({ status: 'PENDING', mode })).toMatch(new RegExp(`^Waiting for the operator: a ${mode} registration has no role to verify; .*broker-admin set-status`));
    expect(statusReason({ status: 'ACTIVE', mode })).toMatch(/^Active: /);
  });
});
