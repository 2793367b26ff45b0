import { describe, expect, it } from 'vitest';
import { isAllowed, parseTrustPolicy, type TrustCaller } from '#emulator/trust-policy.js';

const broker: TrustCaller = {
  accountId: '111111111111',
  principalArn: 'arn:aws:iam::111111111111:role/broker-deliver',
  arn: 'arn:aws:sts::111111111111:assumed-role/broker-deliver/fn',
};

function allows(statement: object, request: { externalId?: string; roleSessionName?: string; caller?: TrustCaller } = {}): boolean {
  return isAllowed(parseTrustPolicy({ Version: '2012-10-17', Statement: [statement] }), {
    caller: request.caller ?? broker,
    action: 'sts:AssumeRole',
    externalId: request.externalId,
    roleSessionName: request.roleSessionName ?? 'session',
  });
}

const allowBroker = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/broker-deliver' }, Action: 'sts:AssumeRole' };

describe('trust policy evaluation', () => {
  it("matches a role principal against the role's sessions", () => {
    expect(allows(allowBroker)).toBe(true);
    expect(allows({ ...allowBroker, Principal: { AWS: ['arn:aws:iam::111111111111:role/other'] } })).toBe(false);
  });

  it('applies StringLike and StringEquals conditions on sts:ExternalId and sts:RoleSessionName', () => {
    const like = { ...allowBroker, Condition: { StringLike: { 'sts:ExternalId': 'ext-*' }, StringEquals: { 'sts:RoleSessionName': 'deliver' } } };
    expect(allows(like, { externalId: 'ext-42', roleSessionName: 'deliver' })).toBe(true);
    expect(allows(like, { externalId: 'ext-42', roleSessionName: 'other' })).toBe(false);
    expect(allows(like, { roleSessionName: 'deliver' })).toBe(false);
  });

  it('applies conditions on aws:PrincipalArn and aws:PrincipalAccount', () => {
    const anyone = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' };
    expect(allows({ ...anyone, Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } } })).toBe(true);
    expect(allows({ ...anyone, Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } } })).toBe(false);
    expect(allows({ ...anyone, Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/broker-*' } } })).toBe(true);
  });

  it('lets an explicit Deny win over an Allow', () => {
    const policy = parseTrustPolicy({ Statement: [allowBroker, { Effect: 'Deny', Principal: '*', Action: 'sts:*' }] });
    expect(isAllowed(policy, { caller: broker, action: 'sts:AssumeRole' })).toBe(false);
  });

  it('treats a missing key as failing StringEquals but satisfying StringNotEquals and ...IfExists', () => {
    expect(allows({ ...allowBroker, Condition: { StringNotEquals: { 'sts:ExternalId': 'x' } } })).toBe(true);
    expect(allows({ ...allowBroker, Condition: { StringEqualsIfExists: { 'sts:ExternalId': 'x' } } })).toBe(true);
    expect(allows({ ...allowBroker, Condition: { Null: { 'sts:ExternalId': 'false' } } })).toBe(false);
  });

  it('refuses, when stored, policy elements the emulator cannot judge', () => {
    expect(() => parseTrustPolicy({ Statement: [{ ...allowBroker, NotPrincipal: { AWS: '*' } }] })).toThrow(/NotPrincipal/);
    expect(() => parseTrustPolicy({ Statement: [{ ...allowBroker, Condition: { DateGreaterThan: { 'aws:CurrentTime': 'x' } } }] })).toThrow(/DateGreaterThan/);
  });
});
