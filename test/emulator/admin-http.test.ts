import { BatchImportFindingsCommand, DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { CUSTOMER, REGION, ROLE_NAME, failure, finding, policy, useSeededHub } from './fixtures.js';

const seeded = useSeededHub();

async function admin(method: string, path: string, body?: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${seeded.emulator.url}/_emulator/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('admin API over HTTP (/_emulator/)', () => {
  it('reads counters and the call log, and resets them', async () => {
    await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    expect((await admin('GET', `counts?operation=BatchImportFindings&accountId=${CUSTOMER}`)).json).toEqual({ operation: 'BatchImportFindings', accountId: CUSTOMER, count: 1 });
    expect((await admin('GET', 'counts?operation=AssumeRole')).json.count).toBe(1);
    const { calls } = (await admin('GET', 'calls')).json as { calls: Array<{ operation: string }> };
    expect(calls.map((c) => c.operation)).toEqual(['AssumeRole', 'BatchImportFindings']);
    expect((await admin('POST', 'reset-counters')).status).toBe(200);
    expect((await admin('GET', 'counts?operation=BatchImportFindings')).json.count).toBe(0);
  });

  it('injects and clears faults', async () => {
    expect((await admin('POST', 'faults', { operation: 'DescribeHub', kind: 'server-error' })).status).toBe(200);
    expect((await failure(seeded.hub.send(new DescribeHubCommand({})))).name).toBe('InternalException');
    await admin('DELETE', 'faults');
    await expect(seeded.hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });

  it('returns stored findings of an account and Region', async () => {
    await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    const { json } = await admin('GET', `findings?accountId=${CUSTOMER}&region=${REGION}`);
    expect(json.findings).toEqual([finding()]);
  });

  it('seeds accounts, keys, roles, hubs and products, and advances the clock', async () => {
    expect((await admin('POST', 'access-keys', { accountId: '555555555555', principalArn: 'arn:aws:iam::555555555555:user/bench', accessKeyId: 'AKIABENCH', secretAccessKey: 's' })).json)
      .toEqual({ accessKeyId: 'AKIABENCH', secretAccessKey: 's' });
    expect((await admin('POST', 'roles', { accountId: '555555555555', roleName: 'r', trustPolicy: { Statement: { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' } } })).json)
      .toEqual({ roleArn: 'arn:aws:iam::555555555555:role/r' });
    expect((await admin('POST', 'hubs', { accountId: '555555555555', region: REGION })).status).toBe(200);
    expect((await admin('POST', 'clock/advance', { ms: 3600_000 })).status).toBe(200);
    expect((await failure(seeded.hub.send(new DescribeHubCommand({})))).name).toBe('ExpiredTokenException');
  });

  it('gives roles permission policies (POST roles, POST role-policies) and attaches and detaches SCPs and RCPs', async () => {
    const trust = { Statement: { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' } };
    const read = policy({ Effect: 'Allow', Action: 'securityhub:DescribeHub', Resource: '*' });
    expect((await admin('POST', 'roles', { accountId: '555555555555', roleName: 'r', trustPolicy: trust, permissionPolicies: { read }, unrestricted: false })).status).toBe(200);
    expect((await admin('POST', 'role-policies', { accountId: CUSTOMER, roleName: ROLE_NAME, policyName: 'extra', document: read })).status).toBe(200);
    const deny = policy({ Effect: 'Deny', Action: 'securityhub:DescribeHub', Resource: '*' });
    expect((await admin('POST', 'scps', { accountId: CUSTOMER, document: deny })).status).toBe(200);
    expect((await failure(seeded.hub.send(new DescribeHubCommand({})))).message).toMatch(/with an explicit deny in a service control policy$/);
    expect((await admin('DELETE', `scps?accountId=${CUSTOMER}`)).status).toBe(200);
    await expect(seeded.hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    expect((await admin('POST', 'rcps', { accountId: CUSTOMER, document: policy({ Effect: 'Deny', Principal: '*', Action: 'sts:*', Resource: '*' }) })).status).toBe(200);
    expect((await admin('DELETE', `rcps?accountId=${CUSTOMER}`)).status).toBe(200);
    const conditional = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } });
    const refused = await admin('POST', 'role-policies', { accountId: CUSTOMER, roleName: ROLE_NAME, policyName: 'c', document: conditional });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/^MalformedPolicyDocument: policy c: the emulator does not model Condition/);
  });

  it('answers bad admin input with 400 and unknown routes with 404', async () => {
    expect(await admin('POST', 'faults', { operation: 'DescribeHub', kind: 'meteor' })).toEqual({ status: 400, json: { error: 'unknown fault kind: meteor' } });
    expect((await admin('GET', 'counts')).status).toBe(400);
    expect((await admin('GET', 'nope')).status).toBe(404);
  });
});
