import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BROKER_PRINCIPAL, CUSTOMER, EXTERNAL_ID, PARTNER, ROLE_NAME, type Seeded, failure, startSeeded, stsClient, trustPolicy,
} from './fixtures.js';

let seeded: Seeded;
beforeEach(async () => {
  seeded = await startSeeded();
});
afterEach(async () => {
  await seeded.emulator.stop();
});

function brokerSts() {
  return stsClient(seeded.emulator, seeded.brokerKey);
}

describe('STS AssumeRole', () => {
  it('issues session credentials for the right ExternalId', async () => {
    const reply = await brokerSts().send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'deliver', ExternalId: EXTERNAL_ID }));
    expect(reply.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(reply.Credentials?.SessionToken).toBeTruthy();
    expect(reply.Credentials?.Expiration).toBeInstanceOf(Date);
    const lifetimeMs = reply.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetimeMs).toBeGreaterThan(3590_000);
    expect(lifetimeMs).toBeLessThanOrEqual(3600_000);
    expect(reply.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/${ROLE_NAME}/deliver`);
    expect(reply.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:deliver$/);
  });

  it('lets the session credentials act as the assumed role (GetCallerIdentity)', async () => {
    const c = (await brokerSts().send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'deliver', ExternalId: EXTERNAL_ID }))).Credentials!;
    const sts = stsClient(seeded.emulator, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: CUSTOMER, Arn: `arn:aws:sts::${CUSTOMER}:assumed-role/${ROLE_NAME}/deliver` });
  });

  it('answers AccessDenied, naming caller and role, for a wrong ExternalId', async () => {
    const error = await failure(brokerSts().send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'deliver', ExternalId: 'not-the-right-one' })));
    expect(error).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${BROKER_PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${seeded.roleArn}`,
    });
  });

  it('answers AccessDenied when the ExternalId is missing and the role requires one', async () => {
    const error = await failure(brokerSts().send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'deliver' })));
    expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('admits a caller without ExternalId when the role has no ExternalId condition (an unsafe role)', async () => {
    const { roleArn } = seeded.emulator.state.putRole({ accountId: CUSTOMER, roleName: 'UnsafeRole', trustPolicy: trustPolicy() });
    const reply = await brokerSts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'probe' }));
    expect(reply.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/UnsafeRole/probe`);
  });

  it('answers AccessDenied for a role that does not exist, or was deleted', async () => {
    seeded.emulator.state.deleteRole(CUSTOMER, ROLE_NAME);
    const error = await failure(brokerSts().send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'deliver', ExternalId: EXTERNAL_ID })));
    expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('answers AccessDenied to a caller the trust policy does not name, even with the ExternalId', async () => {
    const stranger = seeded.emulator.state.addAccessKey({ accountId: '444444444444', principalArn: 'arn:aws:iam::444444444444:user/mallory' });
    const error = await failure(stsClient(seeded.emulator, stranger).send(
      new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'deliver', ExternalId: EXTERNAL_ID }),
    ));
    expect(error.message).toBe(`User: arn:aws:iam::444444444444:user/mallory is not authorized to perform: sts:AssumeRole on resource: ${seeded.roleArn}`);
  });

  it('trusts every principal of an account named by id or root ARN', async () => {
    for (const [roleName, principal] of [['ById', PARTNER], ['ByRoot', `arn:aws:iam::${PARTNER}:root`]] as const) {
      const { roleArn } = seeded.emulator.state.putRole({
        accountId: CUSTOMER, roleName,
        trustPolicy: { Statement: { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' } },
      });
      await expect(brokerSts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x1' }))).resolves.toBeDefined();
    }
  });

  it('rejects an ExternalId outside 2-1224 characters of [\\w+=,.@:/-] with ValidationError', async () => {
    for (const externalId of ['x', 'has space', 'a'.repeat(1225)]) {
      const error = await failure(brokerSts().send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'deliver', ExternalId: externalId })));
      expect(error).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(error.message).toMatch(/^1 validation error detected: Value '.*' at 'externalId' failed to satisfy constraint/);
    }
  });

  it('rejects an invalid RoleSessionName with ValidationError', async () => {
    const error = await failure(brokerSts().send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'no spaces allowed', ExternalId: EXTERNAL_ID })));
    expect(error).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(error.message).toContain("at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern");
  });

  it('caps DurationSeconds at 900..3600 (role chaining and the default MaxSessionDuration)', async () => {
    const send = (DurationSeconds: number) =>
      brokerSts().send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'deliver', ExternalId: EXTERNAL_ID, DurationSeconds }));
    expect(await failure(send(899))).toMatchObject({ name: 'ValidationError', status: 400 });
    expect((await failure(send(7200))).message).toBe('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const reply = await send(900);
    expect(reply.Credentials!.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
  });

  it('requires sts:TagSession in the trust policy when session tags are passed', async () => {
    const send = () => brokerSts().send(new AssumeRoleCommand({
      RoleArn: seeded.roleArn, RoleSessionName: 'deliver', ExternalId: EXTERNAL_ID, Tags: [{ Key: 'partner', Value: 'acme' }],
    }));
    expect((await failure(send())).message).toContain('sts:TagSession');
    seeded.emulator.state.putRole({
      accountId: CUSTOMER, roleName: ROLE_NAME,
      trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: BROKER_PRINCIPAL }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } } }] },
    });
    await expect(send()).resolves.toBeDefined();
  });
});
