import { BatchImportFindingsCommand, DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { CUSTOMER, REGION, failure, finding, useSeededHub } from './fixtures.js';

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

  it('answers bad admin input with 400 and unknown routes with 404', async () => {
    expect(await admin('POST', 'faults', { operation: 'DescribeHub', kind: 'meteor' })).toEqual({ status: 400, json: { error: 'unknown fault kind: meteor' } });
    expect((await admin('GET', 'counts')).status).toBe(400);
    expect((await admin('GET', 'nope')).status).toBe(404);
  });
});
