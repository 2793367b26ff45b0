/**
 * The emulator speaks IAM's query protocol: the unchanged AWS SDK v3 IAM client manages roles and their
 * inline policies through it, and gets IAM's errors in IAM's shape.
 */
import {
  CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient,
  ListRolePoliciesCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '#emulator/index.js';
import { CUSTOMER, PARTNER, failure, policy, stsClient, type Credentials } from './fixtures.js';

const ADMIN = `arn:aws:iam::${CUSTOMER}:user/admin`;
const PARTNER_USER = `arn:aws:iam::${PARTNER}:user/deployer`;

let emulator: Emulator;
let adminKey: Credentials;
let iam: IAMClient;

beforeEach(async () => {
  emulator = await startEmulator();
  adminKey = emulator.state.addAccessKey({ accountId: CUSTOMER, principalArn: ADMIN });
  iam = iamClient(adminKey);
});
afterEach(async () => {
  iam.destroy();
  await emulator.stop();
});

/** IAM is global: its requests are signed for us-east-1. One attempt: tests assert on the first answer. */
function iamClient(credentials: Credentials, region = 'us-east-1'): IAMClient {
  return new IAMClient({ endpoint: emulator.url, region, credentials, maxAttempts: 1 });
}

function trusting(principal: string): string {
  return JSON.stringify(policy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }));
}

const READ_HUB = policy({ Effect: 'Allow', Action: 'securityhub:DescribeHub', Resource: `arn:aws:securityhub:*:${CUSTOMER}:hub/default` });

async function createRole(roleName = 'Importer', trust = trusting(PARTNER_USER)) {
  return iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));
}

describe('IAM roles through the SDK', () => {
  it("creates a role in the caller's account, and GetRole returns it with its trust policy RFC 3986-encoded", async () => {
    // Indented JSON: spaces, newlines, quotes and braces must all come back percent-encoded.
    const trust = JSON.stringify(JSON.parse(trusting(PARTNER_USER)), null, 2);
    const created = await iam.send(new CreateRoleCommand({
      RoleName: 'Importer', Path: '/broker/', AssumeRolePolicyDocument: trust, Description: 'imports findings',
      MaxSessionDuration: 7200, Tags: [{ Key: 'team', Value: 'security' }],
    }));
    expect(created.Role).toMatchObject({ RoleName: 'Importer', Path: '/broker/', Arn: `arn:aws:iam::${CUSTOMER}:role/broker/Importer`, MaxSessionDuration: 7200 });
    expect(created.Role!.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(created.Role!.CreateDate).toBeInstanceOf(Date);
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'Importer' }));
    expect(Role).toMatchObject({ RoleId: created.Role!.RoleId, Description: 'imports findings', MaxSessionDuration: 7200 });
    expect(Role!.AssumeRolePolicyDocument).toMatch(/^%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22/);
    expect(Role!.AssumeRolePolicyDocument).toMatch(/^[A-Za-z0-9\-._~%]+$/);
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(trust);
  });

  it('makes a role that STS assumes, up to the MaxSessionDuration it was created with', async () => {
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'Importer', AssumeRolePolicyDocument: trusting(PARTNER_USER), MaxSessionDuration: 7200 }));
    const partner = stsClient(emulator, emulator.state.addAccessKey({ accountId: PARTNER, principalArn: PARTNER_USER }));
    const reply = await partner.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'deploy', DurationSeconds: 7200 }));
    expect(reply.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/Importer/deploy`);
    expect((await failure(partner.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'deploy', DurationSeconds: 7201 })))).name).toBe('ValidationError');
  });

  it('answers EntityAlreadyExists (409) for a role name that exists, in any letter case', async () => {
    await createRole('Importer');
    for (const name of ['Importer', 'IMPORTER']) {
      expect(await failure(createRole(name))).toEqual({ name: 'EntityAlreadyExistsException', status: 409, message: `Role with name ${name} already exists.` });
    }
  });

  it('answers NoSuchEntity (404) for a role that does not exist, from every role operation', async () => {
    const expected = { name: 'NoSuchEntityException', status: 404, message: 'The role with name Ghost cannot be found.' };
    const document = JSON.stringify(READ_HUB);
    for (const command of [
      new GetRoleCommand({ RoleName: 'Ghost' }),
      new UpdateAssumeRolePolicyCommand({ RoleName: 'Ghost', PolicyDocument: trusting(PARTNER_USER) }),
      new PutRolePolicyCommand({ RoleName: 'Ghost', PolicyName: 'p', PolicyDocument: document }),
      new GetRolePolicyCommand({ RoleName: 'Ghost', PolicyName: 'p' }),
      new ListRolePoliciesCommand({ RoleName: 'Ghost' }),
      new DeleteRolePolicyCommand({ RoleName: 'Ghost', PolicyName: 'p' }),
      new DeleteRoleCommand({ RoleName: 'Ghost' }),
    ]) {
      expect(await failure(iam.send(command as never))).toEqual(expected);
    }
  });

  it('replaces the trust policy with UpdateAssumeRolePolicy, which then decides AssumeRole', async () => {
    const { Role } = await createRole('Importer', trusting(PARTNER_USER));
    const other = `arn:aws:iam::${PARTNER}:user/other`;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Importer', PolicyDocument: trusting(other) }));
    const assume = (principalArn: string) => stsClient(emulator, emulator.state.addAccessKey({ accountId: PARTNER, principalArn }))
      .send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 's1' }));
    expect((await failure(assume(PARTNER_USER))).name).toBe('AccessDenied');
    await expect(assume(other)).resolves.toBeDefined();
    expect(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: 'Importer' }))).Role!.AssumeRolePolicyDocument!)).toBe(trusting(other));
  });

  it('puts, gets (URL-encoded), lists (paged) and deletes inline policies', async () => {
    await createRole();
    const document = JSON.stringify(READ_HUB);
    for (const name of ['b-read', 'a-read', 'c-read']) await iam.send(new PutRolePolicyCommand({ RoleName: 'Importer', PolicyName: name, PolicyDocument: document }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'Importer', PolicyName: 'a-read' }));
    expect(got).toMatchObject({ RoleName: 'Importer', PolicyName: 'a-read' });
    expect(got.PolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(document);
    const first = await iam.send(new ListRolePoliciesCommand({ RoleName: 'Importer', MaxItems: 2 }));
    expect(first).toMatchObject({ PolicyNames: ['a-read', 'b-read'], IsTruncated: true });
    const rest = await iam.send(new ListRolePoliciesCommand({ RoleName: 'Importer', Marker: first.Marker }));
    expect(rest).toMatchObject({ PolicyNames: ['c-read'], IsTruncated: false });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Importer', PolicyName: 'a-read' }));
    expect(await failure(iam.send(new GetRolePolicyCommand({ RoleName: 'Importer', PolicyName: 'a-read' }))))
      .toEqual({ name: 'NoSuchEntityException', status: 404, message: 'The role policy with name a-read cannot be found.' });
    expect(await failure(iam.send(new DeleteRolePolicyCommand({ RoleName: 'Importer', PolicyName: 'a-read' })))).toMatchObject({ name: 'NoSuchEntityException' });
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'Importer' }))).PolicyNames).toEqual(['b-read', 'c-read']);
  });

  it('refuses to delete a role that has inline policies (DeleteConflict 409), and deletes it once they are gone', async () => {
    await createRole();
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Importer', PolicyName: 'read', PolicyDocument: JSON.stringify(READ_HUB) }));
    expect(await failure(iam.send(new DeleteRoleCommand({ RoleName: 'Importer' }))))
      .toEqual({ name: 'DeleteConflictException', status: 409, message: 'Cannot delete entity, must delete policies first.' });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Importer', PolicyName: 'read' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'Importer' }));
    expect((await failure(iam.send(new GetRoleCommand({ RoleName: 'Importer' })))).name).toBe('NoSuchEntityException');
  });

  it('answers MalformedPolicyDocument (400) for text that is not JSON, a principal in a permission policy, a Condition, and a bad trust policy', async () => {
    await createRole();
    const put = (document: string) => failure(iam.send(new PutRolePolicyCommand({ RoleName: 'Importer', PolicyName: 'p', PolicyDocument: document })));
    expect(await put('{not json')).toEqual({ name: 'MalformedPolicyDocumentException', status: 400, message: 'This policy contains invalid Json' });
    expect((await put(JSON.stringify(policy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }))))).toMatchObject({
      name: 'MalformedPolicyDocumentException', message: 'Policy document should not specify a principal.',
    });
    const withCondition = await put(JSON.stringify(policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } })));
    expect(withCondition).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    expect(withCondition.message).toMatch(/does not model Condition/);
    expect((await failure(createRole('Other', JSON.stringify(policy({ Effect: 'Allow', Action: 'sts:AssumeRole' })))))).toMatchObject({
      name: 'MalformedPolicyDocumentException', status: 400,
    });
  });

  it('answers ValidationError (400) for a role name outside [\\w+=,.@-]{1,64} and a MaxSessionDuration outside 3600-43200', async () => {
    const badName = await failure(createRole('no spaces'));
    expect(badName).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(badName.message).toBe("1 validation error detected: Value 'no spaces' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
    const tooLong = await failure(iam.send(new CreateRoleCommand({ RoleName: 'Importer', AssumeRolePolicyDocument: trusting(PARTNER_USER), MaxSessionDuration: 43_201 })));
    expect(tooLong.message).toContain("at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200");
  });

  it('refuses a request signed for a Region other than us-east-1: IAM is global', async () => {
    const error = await failure(iamClient(adminKey, 'eu-west-1').send(new GetRoleCommand({ RoleName: 'Importer' })));
    expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(error.message).toContain('Credential should be scoped to a valid region');
  });

  it('tells IAM from STS at "/" by the credential scope, and an unsigned request by its Version', async () => {
    await createRole();
    await expect(stsClient(emulator, adminKey).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: ADMIN });
    const unsigned = await fetch(emulator.url, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetRole&Version=2010-05-08&RoleName=Importer',
    });
    expect(unsigned.status).toBe(403);
    const body = await unsigned.text();
    expect(body).toContain('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">');
    expect(body).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it("authorises a role session's IAM calls on the role's ARN: AccessDenied (403) without an allowing policy", async () => {
    const { roleArn } = emulator.state.putRole({
      accountId: CUSTOMER, roleName: 'Operator', trustPolicy: policy({ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'sts:AssumeRole' }),
      permissionPolicies: { ReadRoles: policy({ Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::${CUSTOMER}:role/Op*` }) },
    });
    const { Credentials: c } = await stsClient(emulator, adminKey).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops' }));
    const session = iamClient({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });
    await expect(session.send(new GetRoleCommand({ RoleName: 'Operator' }))).resolves.toMatchObject({ Role: { Arn: roleArn } });
    expect(await failure(session.send(new CreateRoleCommand({ RoleName: 'Escalate', Path: '/x/', AssumeRolePolicyDocument: trusting(ADMIN) })))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:sts::${CUSTOMER}:assumed-role/Operator/ops is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${CUSTOMER}:role/x/Escalate because no identity-based policy allows the iam:CreateRole action`,
    });
  });
});
