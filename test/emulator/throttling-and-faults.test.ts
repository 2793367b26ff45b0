import { BatchImportFindingsCommand, DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import {
  CUSTOMER, EXTERNAL_ID, PARTNER, REGION, assumeCustomerRole, failure, finding, grant, securityHubClient, stsClient, useSeededHub,
} from './fixtures.js';

const seeded = useSeededHub();

async function importStatuses(count: number): Promise<Array<number | undefined>> {
  const send = () => seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] })).then(
    (reply) => reply.$metadata.httpStatusCode,
    (error: { name: string; $metadata?: { httpStatusCode?: number } }) => (error.name === 'TooManyRequestsException' ? error.$metadata?.httpStatusCode : -1),
  );
  return Promise.all(Array.from({ length: count }, send));
}

describe('BatchImportFindings throttling (10 requests/s, burst 30, per account+Region)', () => {
  it('answers TooManyRequestsException (429) past a burst of 30 rapid calls', async () => {
    const statuses = await importStatuses(40);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(30);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  });

  it('refills the bucket as the clock advances', async () => {
    // Frozen, so the test's own pace (slow on a loaded machine) refills nothing behind its back.
    seeded.emulator.state.clock.freeze();
    await importStatuses(35);
    expect(await failure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] })))).toMatchObject({ name: 'TooManyRequestsException' });
    seeded.emulator.state.advanceClock(1000);
    expect((await importStatuses(10)).every((s) => s === 200)).toBe(true);
  });

  it('keeps separate buckets per Region', async () => {
    await importStatuses(35);
    seeded.emulator.state.enableHub(CUSTOMER, 'eu-west-1');
    const session = await assumeCustomerRole(seeded);
    const west = securityHubClient(seeded.emulator, session, 'eu-west-1');
    const product = `arn:aws:securityhub:eu-west-1:${CUSTOMER}:product/${CUSTOMER}/default`;
    grant(seeded, 'ImportOwnFindings', { Effect: 'Allow', Action: 'securityhub:BatchImportFindings', Resource: product });
    await expect(west.send(new BatchImportFindingsCommand({ Findings: [finding({ ProductArn: product })] }))).resolves.toMatchObject({ SuccessCount: 1 });
  });
});

describe('call counters', () => {
  it('counts each operation per calling account, errors included', async () => {
    const { state } = seeded.emulator;
    state.resetCounters();
    await seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    await failure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: Array(101).fill(finding()) })));
    await failure(stsClient(seeded.emulator, seeded.brokerKey).send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'x1' })));
    expect(state.callCount('BatchImportFindings', CUSTOMER)).toBe(2);
    expect(state.callCount('BatchImportFindings', PARTNER)).toBe(0);
    expect(state.callCount('AssumeRole', PARTNER)).toBe(1);
    expect(state.callCount('AssumeRole')).toBe(1);
    expect(state.calls().map(({ operation, accountId, region, status }) => ({ operation, accountId, region, status }))).toEqual([
      { operation: 'BatchImportFindings', accountId: CUSTOMER, region: REGION, status: 200 },
      { operation: 'BatchImportFindings', accountId: CUSTOMER, region: REGION, status: 400 },
      { operation: 'AssumeRole', accountId: PARTNER, region: REGION, status: 403 },
    ]);
    state.resetCounters();
    expect(state.callCount('BatchImportFindings')).toBe(0);
    expect(state.calls()).toEqual([]);
  });
});

describe('fault injection', () => {
  it("'throttle' answers TooManyRequestsException for the given number of calls", async () => {
    seeded.emulator.state.injectFault({ operation: 'BatchImportFindings', accountId: CUSTOMER, kind: 'throttle', times: 2 });
    const send = () => seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    expect(await failure(send())).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
    expect(await failure(send())).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
    await expect(send()).resolves.toMatchObject({ SuccessCount: 1 });
  });

  it.each(['LimitExceededException', 'ThrottlingException', 'TooManyRequestsException'] as const)(
    "'throttle' can answer with Security Hub's other throttling code %s, always HTTP 429",
    async (errorCode) => {
      seeded.emulator.state.injectFault({ operation: 'BatchImportFindings', kind: 'throttle', errorCode, times: 1 });
      expect(await failure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] })))).toMatchObject({ name: errorCode, status: 429 });
    },
  );

  it('refuses a throttling code on a fault that does not throttle', () => {
    expect(() => seeded.emulator.state.injectFault({ operation: '*', kind: 'server-error', errorCode: 'ThrottlingException' })).toThrow(/errorCode/);
  });

  it("'server-error' answers InternalException (500) until cleared, and only for the chosen operation", async () => {
    seeded.emulator.state.injectFault({ operation: 'BatchImportFindings', kind: 'server-error' });
    expect(await failure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] })))).toMatchObject({ name: 'InternalException', status: 500 });
    await expect(seeded.hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    seeded.emulator.state.clearFaults();
    await expect(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }))).resolves.toMatchObject({ SuccessCount: 1 });
  });

  it("'latency' delays the answer, then proceeds", async () => {
    seeded.emulator.state.injectFault({ operation: 'DescribeHub', kind: 'latency', latencyMs: 150, times: 1 });
    const started = performance.now();
    await seeded.hub.send(new DescribeHubCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("'expired-credentials' answers ExpiredTokenException / ExpiredToken with valid credentials", async () => {
    const { state } = seeded.emulator;
    state.injectFault({ operation: '*', kind: 'expired-credentials', times: 2 });
    expect(await failure(seeded.hub.send(new DescribeHubCommand({})))).toMatchObject({ name: 'ExpiredTokenException', status: 403 });
    const sts = stsClient(seeded.emulator, seeded.brokerKey);
    expect(await failure(sts.send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'x1', ExternalId: EXTERNAL_ID })))).toMatchObject({ name: 'ExpiredToken' });
    await expect(seeded.hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });

  it('scopes a fault to the Region it names', async () => {
    seeded.emulator.state.injectFault({ operation: 'DescribeHub', region: 'eu-west-1', kind: 'server-error' });
    await expect(seeded.hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });
});
