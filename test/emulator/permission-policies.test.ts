/**
 * Role sessions act only as far as their role's permission policies allow; service control policies
 * deny across an account; resource control policies guard an account's roles. Every denial is worded
 * as IAM's troubleshooting guide gives it.
 */
import { BatchImportFindingsCommand, DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '#emulator/index.js';
import {
  BROKER_PRINCIPAL, CUSTOMER, PARTNER, PRODUCT_ARN, REGION, failure, finding, policy, securityHubClient, stsClient, trustPolicy, type Credentials,
} from './fixtures.js';

const HUB = `arn:aws:securityhub:${REGION}:${CUSTOMER}:hub/default`;
const OWN_PRODUCT = `arn:aws:securityhub:${REGION}:${CUSTOMER}:product/${CUSTOMER}/default`;
const ROLE = 'Importer';
const SESSION_ARN = `arn:aws:sts::${CUSTOMER}:assumed-role/${ROLE}/deliver`;

let emulator: Emulator;
let brokerKey: Credentials;

beforeEach(async () => {
  emulator = await startEmulator();
  brokerKey = emulator.state.addAccessKey({ accountId: PARTNER, principalArn: BROKER_PRINCIPAL });
  emulator.state.enableHub(CUSTOMER, REGION);
  emulator.state.enableProduct(CUSTOMER, REGION, PRODUCT_ARN);
});
afterEach(async () => {
  await emulator.stop();
});

async function assume(roleArn: string, credentials: Credentials = brokerKey, sessionName = 'deliver'): Promise<Credentials> {
  const { Credentials: c } = await stsClient(emulator, credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
  return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
}

/** A Security Hub client on a session of the customer role `Importer`, holding these statements (none: no policy at all). */
async function hubAs(...statements: object[]) {
  const { roleArn } = emulator.state.putRole({
    accountId: CUSTOMER, roleName: ROLE, trustPolicy: trustPolicy(),
    permissionPolicies: statements.length > 0 ? { Permissions: policy(...statements) } : {},
  });
  return securityHubClient(emulator, await assume(roleArn));
}

const importing = (...findings: object[]) => new BatchImportFindingsCommand({ Findings: findings.length > 0 ? findings as never : [finding()] });

describe('permission policies of role sessions', () => {
  it('denies a role without permission policies everything, with AccessDeniedException (403) and IAM\'s implicit-deny message', async () => {
    const hub = await hubAs();
    expect(await failure(hub.send(importing()))).toEqual({
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${SESSION_ARN} is not authorized to perform: securityhub:BatchImportFindings on resource: ${PRODUCT_ARN} because no identity-based policy allows the securityhub:BatchImportFindings action`,
    });
    expect((await failure(hub.send(new DescribeHubCommand({})))).message).toBe(
      `User: ${SESSION_ARN} is not authorized to perform: securityhub:DescribeHub on resource: ${HUB} because no identity-based policy allows the securityhub:DescribeHub action`,
    );
    expect(emulator.state.findings(CUSTOMER, REGION)).toEqual([]);
  });

  it('allows by Action and Resource with * and ? wildcards, and nothing else', async () => {
    const hub = await hubAs({ Effect: 'Allow', Action: 'securityhub:Batch*', Resource: 'arn:aws:securityhub:us-east-?:*:product/acme/*' });
    await expect(hub.send(importing())).resolves.toMatchObject({ SuccessCount: 1 });
    expect((await failure(hub.send(new DescribeHubCommand({})))).name).toBe('AccessDeniedException');
  });

  it('matches action names case-insensitively and resource ARNs case-sensitively', async () => {
    const hub = await hubAs(
      { Effect: 'Allow', Action: 'SecurityHub:describehub', Resource: HUB },
      { Effect: 'Allow', Action: 'securityhub:BatchImportFindings', Resource: PRODUCT_ARN.toUpperCase() },
    );
    await expect(hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    expect((await failure(hub.send(importing()))).name).toBe('AccessDeniedException');
  });

  it('lets an explicit Deny win over an Allow, naming the identity-based policy', async () => {
    const hub = await hubAs(
      { Effect: 'Allow', Action: 'securityhub:*', Resource: '*' },
      { Effect: 'Deny', Action: 'securityhub:BatchImportFindings', Resource: PRODUCT_ARN },
    );
    await expect(hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    expect((await failure(hub.send(importing()))).message).toBe(
      `User: ${SESSION_ARN} is not authorized to perform: securityhub:BatchImportFindings on resource: ${PRODUCT_ARN} with an explicit deny in an identity-based policy`,
    );
  });

  it('applies NotAction (every action but those) and NotResource (every resource but those)', async () => {
    const hub = await hubAs(
      { Effect: 'Allow', NotAction: 'securityhub:BatchImportFindings', Resource: '*' },
      { Effect: 'Allow', Action: 'securityhub:BatchImportFindings', NotResource: PRODUCT_ARN },
    );
    await expect(hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    await expect(hub.send(importing(finding({ ProductArn: OWN_PRODUCT })))).resolves.toMatchObject({ SuccessCount: 1 });
    expect((await failure(hub.send(importing()))).message).toContain(`on resource: ${PRODUCT_ARN} because no identity-based policy allows`);
  });

  it('judges every product of a BatchImportFindings call: one not allowed fails the whole call', async () => {
    const hub = await hubAs({ Effect: 'Allow', Action: 'securityhub:BatchImportFindings', Resource: PRODUCT_ARN });
    const error = await failure(hub.send(importing(finding(), finding({ Id: 'own', ProductArn: OWN_PRODUCT }))));
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(error.message).toContain(`on resource: ${OWN_PRODUCT} because`);
    expect(emulator.state.findings(CUSTOMER, REGION)).toEqual([]);
  });

  it('applies policy changes to existing sessions, and denies sessions of a deleted role', async () => {
    const hub = await hubAs();
    expect((await failure(hub.send(new DescribeHubCommand({})))).name).toBe('AccessDeniedException');
    emulator.state.putRolePolicy(CUSTOMER, ROLE, 'ReadHub', policy({ Effect: 'Allow', Action: 'securityhub:DescribeHub', Resource: HUB }));
    await expect(hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    emulator.state.deleteRole(CUSTOMER, ROLE);
    emulator.state.putRole({ accountId: CUSTOMER, roleName: ROLE, trustPolicy: trustPolicy(), unrestricted: true });
    // A re-created role of the same name is another role: the old session keeps nothing.
    expect((await failure(hub.send(new DescribeHubCommand({})))).name).toBe('AccessDeniedException');
  });

  it('skips evaluation only for a role put with unrestricted: true', async () => {
    const { roleArn } = emulator.state.putRole({ accountId: CUSTOMER, roleName: 'Anything', trustPolicy: trustPolicy(), unrestricted: true });
    const hub = securityHubClient(emulator, await assume(roleArn));
    await expect(hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    await expect(hub.send(importing())).resolves.toMatchObject({ SuccessCount: 1 });
  });

  it('leaves long-term keys unevaluated: a user with no policies may call its own hub', async () => {
    const user = emulator.state.addAccessKey({ accountId: CUSTOMER, principalArn: `arn:aws:iam::${CUSTOMER}:user/ops` });
    await expect(securityHubClient(emulator, user).send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });

  it('refuses, when stored, a permission policy with a Condition (not modelled) or a Principal', () => {
    const conditional = policy({ Effect: 'Allow', Action: 'securityhub:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': REGION } } });
    expect(() => emulator.state.putRole({ accountId: CUSTOMER, roleName: ROLE, trustPolicy: trustPolicy(), permissionPolicies: { P: conditional } }))
      .toThrow(/MalformedPolicyDocument: policy P: the emulator does not model Condition/);
    emulator.state.putRole({ accountId: CUSTOMER, roleName: ROLE, trustPolicy: trustPolicy() });
    expect(() => emulator.state.putRolePolicy(CUSTOMER, ROLE, 'P', conditional)).toThrow(/MalformedPolicyDocument/);
    expect(() => emulator.state.putRolePolicy(CUSTOMER, ROLE, 'P', policy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' })))
      .toThrow(/should not specify a principal/);
  });

  it('evaluates AssumeRole by a role session (role chaining) on the target role ARN, with STS\'s AccessDenied (403)', async () => {
    const { roleArn: first } = emulator.state.putRole({ accountId: CUSTOMER, roleName: ROLE, trustPolicy: trustPolicy(), permissionPolicies: {} });
    const { roleArn: second } = emulator.state.putRole({
      accountId: CUSTOMER, roleName: 'Second', permissionPolicies: {},
      trustPolicy: policy({ Effect: 'Allow', Principal: { AWS: first }, Action: 'sts:AssumeRole' }),
    });
    const session = await assume(first);
    expect(await failure(assume(second, session, 'chained'))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${second} because no identity-based policy allows the sts:AssumeRole action`,
    });
    emulator.state.putRolePolicy(CUSTOMER, ROLE, 'Chain', policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${CUSTOMER}:role/Sec*` }));
    await expect(assume(second, session, 'chained')).resolves.toBeDefined();
  });

  it('never denies GetCallerIdentity, which needs no permission', async () => {
    const { roleArn } = emulator.state.putRole({ accountId: CUSTOMER, roleName: ROLE, trustPolicy: trustPolicy(), permissionPolicies: {} });
    emulator.state.attachServiceControlPolicy(CUSTOMER, policy({ Effect: 'Deny', Action: '*', Resource: '*' }));
    await expect(stsClient(emulator, await assume(roleArn)).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: SESSION_ARN });
  });
});

describe('service control policies', () => {
  it("deny every principal of the account, long-term keys included, with the SCP's message; Allow statements change nothing", async () => {
    const hub = await hubAs({ Effect: 'Allow', Action: 'securityhub:*', Resource: '*' });
    const userArn = `arn:aws:iam::${CUSTOMER}:user/ops`;
    const user = securityHubClient(emulator, emulator.state.addAccessKey({ accountId: CUSTOMER, principalArn: userArn }));
    emulator.state.attachServiceControlPolicy(CUSTOMER, policy(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 'securityhub:DescribeHub', Resource: '*' },
    ));
    expect(await failure(hub.send(new DescribeHubCommand({})))).toEqual({
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${SESSION_ARN} is not authorized to perform: securityhub:DescribeHub on resource: ${HUB} with an explicit deny in a service control policy`,
    });
    expect((await failure(user.send(new DescribeHubCommand({})))).message).toBe(
      `User: ${userArn} is not authorized to perform: securityhub:DescribeHub on resource: ${HUB} with an explicit deny in a service control policy`,
    );
    await expect(hub.send(importing())).resolves.toMatchObject({ SuccessCount: 1 });
    emulator.state.detachServiceControlPolicies(CUSTOMER);
    await expect(user.send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });

  it("apply to the caller's account: the partner's SCP stops its broker assuming the customer's role", async () => {
    const { roleArn } = emulator.state.putRole({ accountId: CUSTOMER, roleName: ROLE, trustPolicy: trustPolicy() });
    emulator.state.attachServiceControlPolicy(PARTNER, policy({ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${CUSTOMER}:role/*` }));
    expect(await failure(assume(roleArn))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${BROKER_PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} with an explicit deny in a service control policy`,
    });
  });
});

describe('resource control policies', () => {
  it("deny assuming the account's roles (STS is a service RCPs apply to), to callers from any account", async () => {
    const { roleArn } = emulator.state.putRole({ accountId: CUSTOMER, roleName: ROLE, trustPolicy: trustPolicy() });
    emulator.state.attachResourceControlPolicy(CUSTOMER, policy({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }));
    expect(await failure(assume(roleArn))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${BROKER_PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} with an explicit deny in a resource control policy`,
    });
    emulator.state.detachResourceControlPolicies(CUSTOMER);
    await expect(assume(roleArn)).resolves.toBeDefined();
  });

  it('do not affect Security Hub, which is not among the services RCPs apply to', async () => {
    const hub = await hubAs({ Effect: 'Allow', Action: 'securityhub:*', Resource: '*' });
    emulator.state.attachResourceControlPolicy(CUSTOMER, policy({ Effect: 'Deny', Principal: '*', Action: 'securityhub:*', Resource: '*' }));
    await expect(hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });

  it('may only deny: an RCP with an Allow statement is refused', () => {
    expect(() => emulator.state.attachResourceControlPolicy(CUSTOMER, policy({ Effect: 'Allow', Principal: '*', Action: 'sts:*', Resource: '*' })))
      .toThrow(/may only Deny/);
  });
});
