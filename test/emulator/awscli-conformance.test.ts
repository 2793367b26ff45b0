/**
 * Conformance with a second, independent client: awscli v1 (botocore) signs and serializes on its
 * own, so these prove the emulator speaks the wire protocols rather than just the JS SDK's habits.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWithTool, onPath } from '../support/required-tool.js';
import { CUSTOMER, EXTERNAL_ID, REGION, type Credentials, type Seeded, assumeCustomerRole, finding, policy, startSeeded } from './fixtures.js';

const run = promisify(execFile);

const itWithAws = itWithTool('awscli (`aws` on PATH)', onPath('aws'), 'Install it with `pip install awscli` or `apt-get install awscli`.');

let seeded: Seeded;
let workDir: string;
beforeAll(async () => {
  seeded = await startSeeded();
  workDir = await mkdtemp(join(tmpdir(), 'emulator-awscli-'));
});
afterAll(async () => {
  await seeded?.emulator.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface CliResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `aws` against the emulator with only the given credentials: no profile or config leaks in. */
async function aws(credentials: Credentials, ...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
  });
  try {
    const { stdout, stderr } = await run('aws', ['--endpoint-url', seeded.emulator.url, '--region', REGION, '--output', 'json', ...args], { env });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('awscli v1 conformance', () => {
  itWithAws('assume-role returns session credentials for the right ExternalId, AccessDenied for a wrong one', async () => {
    const [good, bad] = await Promise.all([
      aws(seeded.brokerKey, 'sts', 'assume-role', '--role-arn', seeded.roleArn, '--role-session-name', 'cli', '--external-id', EXTERNAL_ID),
      aws(seeded.brokerKey, 'sts', 'assume-role', '--role-arn', seeded.roleArn, '--role-session-name', 'cli', '--external-id', 'wrong-id'),
    ]);
    expect(good.ok, good.stderr).toBe(true);
    const reply = JSON.parse(good.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }; AssumedRoleUser: { Arn: string } };
    expect(reply.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/SecurityHubBrokerImport/cli`);
    expect(reply.Credentials.AccessKeyId).toMatch(/^ASIA/);
    expect(Date.parse(reply.Credentials.Expiration)).toBeGreaterThan(Date.now());
    expect(bad.ok).toBe(false);
    expect(bad.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation: User: ');
  });

  itWithAws('batch-import-findings from a file, then get-findings returns the finding', async () => {
    // Session from the SDK, so this test stands alone; the CLI then signs with it (x-amz-security-token).
    const session = await assumeCustomerRole(seeded);
    const file = join(workDir, 'findings.json');
    await writeFile(file, JSON.stringify([finding({ Id: 'cli/1' }), finding({ Id: 'cli/2', Title: 't'.repeat(300) })]));
    const imported = await aws(session, 'securityhub', 'batch-import-findings', '--findings', `file://${file}`);
    expect(imported.ok, imported.stderr).toBe(true);
    expect(JSON.parse(imported.stdout)).toEqual({
      SuccessCount: 1,
      FailedCount: 1,
      FailedFindings: [{ Id: 'cli/2', ErrorCode: 'InvalidInput', ErrorMessage: 'data.Title should NOT be longer than 256 characters' }],
    });
    const read = await aws(session, 'securityhub', 'get-findings', '--filters', JSON.stringify({ Id: [{ Value: 'cli/', Comparison: 'PREFIX' }] }));
    expect(read.ok, read.stderr).toBe(true);
    const { Findings } = JSON.parse(read.stdout) as { Findings: Array<{ Id: string; AwsAccountId: string }> };
    expect(Findings.map((f) => [f.Id, f.AwsAccountId])).toEqual([['cli/1', CUSTOMER]]);
  });

  itWithAws('iam create-role, put-role-policy and get-role manage a role in the caller\'s account (policies come back decoded by botocore)', async () => {
    const admin = seeded.emulator.state.addAccessKey({ accountId: CUSTOMER, principalArn: `arn:aws:iam::${CUSTOMER}:user/cli-admin` });
    const trust = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` }, Action: 'sts:AssumeRole' });
    const created = await aws(admin, 'iam', 'create-role', '--role-name', 'CliImporter', '--assume-role-policy-document', JSON.stringify(trust));
    expect(created.ok, created.stderr).toBe(true);
    expect(JSON.parse(created.stdout)).toMatchObject({ Role: { RoleName: 'CliImporter', Path: '/', Arn: `arn:aws:iam::${CUSTOMER}:role/CliImporter` } });
    const permissions = policy({ Effect: 'Allow', Action: 'securityhub:DescribeHub', Resource: `arn:aws:securityhub:*:${CUSTOMER}:hub/default` });
    const put = await aws(admin, 'iam', 'put-role-policy', '--role-name', 'CliImporter', '--policy-name', 'read-hub', '--policy-document', JSON.stringify(permissions));
    expect(put.ok, put.stderr).toBe(true);
    const read = await aws(admin, 'iam', 'get-role', '--role-name', 'CliImporter');
    expect(read.ok, read.stderr).toBe(true);
    // botocore URL-decodes IAM's policy documents and parses them: what came back is what was sent.
    expect(JSON.parse(read.stdout).Role).toMatchObject({ RoleName: 'CliImporter', MaxSessionDuration: 3600, AssumeRolePolicyDocument: trust });
    const policyRead = await aws(admin, 'iam', 'get-role-policy', '--role-name', 'CliImporter', '--policy-name', 'read-hub');
    expect(JSON.parse(policyRead.stdout)).toEqual({ RoleName: 'CliImporter', PolicyName: 'read-hub', PolicyDocument: permissions });
  });

  itWithAws('iam answers MalformedPolicyDocument for a Condition and NoSuchEntity for a missing role, in the CLI\'s error form', async () => {
    const admin = seeded.emulator.state.addAccessKey({ accountId: CUSTOMER, principalArn: `arn:aws:iam::${CUSTOMER}:user/cli-admin-2` });
    const conditional = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } });
    const [missing, malformed] = await Promise.all([
      aws(admin, 'iam', 'get-role', '--role-name', 'NoSuchRole'),
      aws(admin, 'iam', 'put-role-policy', '--role-name', 'SecurityHubBrokerImport', '--policy-name', 'p', '--policy-document', JSON.stringify(conditional)),
    ]);
    expect(missing.ok).toBe(false);
    expect(missing.stderr).toContain('An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name NoSuchRole cannot be found.');
    expect(malformed.ok).toBe(false);
    expect(malformed.stderr).toContain('An error occurred (MalformedPolicyDocument) when calling the PutRolePolicy operation: the emulator does not model Condition');
  });
});
