import { describe, expect, it } from 'vitest';
import { checkRoleArn, isRoleOfAccount } from '#shared/onboarding/role-arn.js';

const PREFIX = 'SecurityHubFindingsBroker';

describe('a customer role ARN', () => {
  it('is accepted in the account, with a path, in another partition', () => {
    expect(checkRoleArn('arn:aws:iam::222222222222:role/SecurityHubFindingsBroker-x', '222222222222', PREFIX)).toEqual({ partition: 'aws', accountId: '222222222222', roleName: 'SecurityHubFindingsBroker-x' });
    expect(checkRoleArn('arn:aws:iam::222222222222:role/team/SecurityHubFindingsBroker-x', '222222222222', PREFIX).roleName).toBe('SecurityHubFindingsBroker-x');
    expect(checkRoleArn('arn:aws-us-gov:iam::222222222222:role/SecurityHubFindingsBroker-x', '222222222222', PREFIX).partition).toBe('aws-us-gov');
  });

  it.each([
    ['not-an-arn', 'InvalidRoleArn', /not an IAM role ARN/],
    ['arn:aws:iam::222222222222:user/SecurityHubFindingsBroker-x', 'InvalidRoleArn', /a user ARN/],
    ['arn:aws:sts::222222222222:assumed-role/SecurityHubFindingsBroker-x/session', 'InvalidRoleArn', /assumed-role ARN/],
    ['arn:aws:iam::333333333333:role/SecurityHubFindingsBroker-x', 'RoleInOtherAccount', /account 333333333333.*own account/],
    ['arn:aws:iam::222222222222:role/Admin', 'RoleNameNotAllowed', /must start with "SecurityHubFindingsBroker"/],
    ['arn:aws:iam::222222222222:role/SecurityHubFindingsBroker x', 'InvalidRoleArn', /not an IAM role ARN/],
  ])('%s is refused with %s', (arn, code, message) => {
    expect(() => checkRoleArn(arn, '222222222222', PREFIX)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('belongs to an account only when its account field is that account (deliver\'s defence in depth)', () => {
    expect(isRoleOfAccount('arn:aws:iam::222222222222:role/R', '222222222222')).toBe(true);
    expect(isRoleOfAccount('arn:aws:iam::333333333333:role/R', '222222222222')).toBe(false);
    expect(isRoleOfAccount('arn:aws:iam::222222222222:user/R', '222222222222')).toBe(false);
  });
});
