import { BatchImportFindingsCommand, DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '#emulator/types.js';
import {
  BROKER_PRINCIPAL, CUSTOMER, EXTERNAL_ID, PARTNER, REGION, assumeCustomerRole, failure, finding, grant, securityHubClient, stsClient,
  trustPolicy, useSeededHub, type Credentials,
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

/** The admin HTTP API's fault route, as a process without the EmulatorState object arms faults. */
async function postFault(spec: object): Promise<{ status: number; body: { error?: string } }> {
  const response = await fetch(`${seeded.emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  return { status: response.status, body: (await response.json()) as { error?: string } };
}

/** Security Hub with the SDK's default retry strategy (standard, 3 attempts), unlike the fixtures' single attempt. */
async function retryingHub(): Promise<SecurityHubClient> {
  return new SecurityHubClient({ endpoint: seeded.emulator.url, region: REGION, credentials: await assumeCustomerRole(seeded) });
}

/** The rejected promise's network error, as the SDK surfaces it. */
async function networkFailure(promise: Promise<unknown>): Promise<{ name: string; code: unknown; attempts: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; code?: unknown; $metadata?: { attempts?: number } };
    return { name: e.name, code: e.code, attempts: e.$metadata?.attempts };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe("fault injection: 'connection-reset'", () => {
  it('resets the connection without an answer; the SDK sees ECONNRESET (as a TimeoutError) on its single attempt', async () => {
    seeded.emulator.state.injectFault({ operation: 'BatchImportFindings', accountId: CUSTOMER, kind: 'connection-reset', times: 1 });
    expect(await networkFailure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }))))
      .toEqual({ name: 'TimeoutError', code: 'ECONNRESET', attempts: 1 });
    expect(seeded.emulator.state.findings(CUSTOMER, REGION)).toEqual([]);
    expect(seeded.emulator.state.calls().at(-1)).toMatchObject({ operation: 'BatchImportFindings', accountId: CUSTOMER, status: 0 });
  });

  it("is retried by the SDK's standard retry strategy: one reset, then the second attempt imports", async () => {
    const hub = await retryingHub();
    seeded.emulator.state.resetCounters();
    seeded.emulator.state.injectFault({ operation: 'BatchImportFindings', kind: 'connection-reset', times: 1 });
    const reply = await hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    hub.destroy();
    expect(reply).toMatchObject({ SuccessCount: 1, $metadata: { httpStatusCode: 200, attempts: 2 } });
    expect(seeded.emulator.state.calls().map((call) => call.status)).toEqual([0, 200]);
  });

  it('fails the call with ECONNRESET once the SDK has spent its 3 attempts on resets', async () => {
    const hub = await retryingHub();
    seeded.emulator.state.resetCounters();
    seeded.emulator.state.injectFault({ operation: 'BatchImportFindings', kind: 'connection-reset', times: 3 });
    expect(await networkFailure(hub.send(new BatchImportFindingsCommand({ Findings: [finding()] })))).toEqual({ name: 'TimeoutError', code: 'ECONNRESET', attempts: 3 });
    hub.destroy();
    expect(seeded.emulator.state.callCount('BatchImportFindings')).toBe(3);
    expect(seeded.emulator.state.findings(CUSTOMER, REGION)).toEqual([]);
  });

  it("with phase 'after-operation' keeps the import although the caller only saw a reset", async () => {
    seeded.emulator.state.injectFault({ operation: 'BatchImportFindings', kind: 'connection-reset', phase: 'after-operation', times: 1 });
    expect((await networkFailure(seeded.hub.send(new BatchImportFindingsCommand({ Findings: [finding({ Id: 'landed-unanswered' })] })))).code).toBe('ECONNRESET');
    expect(seeded.emulator.state.findings(CUSTOMER, REGION).map((f) => f.Id)).toEqual(['landed-unanswered']);
  });

  it('targets one calling account: another account is answered normally', async () => {
    seeded.emulator.state.injectFault({ operation: '*', accountId: PARTNER, kind: 'connection-reset' });
    await expect(seeded.hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    const sts = stsClient(seeded.emulator, seeded.brokerKey);
    expect((await networkFailure(sts.send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'x1', ExternalId: EXTERNAL_ID })))).code).toBe('ECONNRESET');
  });

  it('is armed through the admin HTTP API too, for a number of calls', async () => {
    expect(await postFault({ operation: 'DescribeHub', accountId: CUSTOMER, kind: 'connection-reset', times: 1 })).toEqual({ status: 200, body: { ok: true } });
    expect((await networkFailure(seeded.hub.send(new DescribeHubCommand({})))).code).toBe('ECONNRESET');
    await expect(seeded.hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });
});

describe("fault injection: 'access-denied' (STS AssumeRole)", () => {
  const assume = (sts: STSClient, roleArn = seeded.roleArn) =>
    sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'broker-deliver', ExternalId: EXTERNAL_ID }));

  it('answers exactly as a trust policy that refuses the caller does: AccessDenied, 403, the same message', async () => {
    const sts = stsClient(seeded.emulator, seeded.brokerKey);
    // The real refusal first: the trust policy requires an ExternalId this call leaves out.
    const real = await failure(sts.send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'broker-deliver' })));
    seeded.emulator.state.injectFault({ operation: 'AssumeRole', kind: 'access-denied', times: 1 });
    const injected = await failure(assume(sts));
    expect(injected).toEqual(real);
    expect(injected).toEqual({
      name: 'AccessDenied', status: 403,
      message: `User: ${BROKER_PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${seeded.roleArn}`,
    });
  });

  it('flaps: the role is denied for the armed number of calls, then assumed again (IAM eventual consistency)', async () => {
    const sts = stsClient(seeded.emulator, seeded.brokerKey);
    seeded.emulator.state.injectFault({ operation: 'AssumeRole', roleArn: seeded.roleArn, kind: 'access-denied', times: 2 });
    expect(await failure(assume(sts))).toMatchObject({ name: 'AccessDenied' });
    expect(await failure(assume(sts))).toMatchObject({ name: 'AccessDenied' });
    await expect(assume(sts)).resolves.toMatchObject({ Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/) } });
  });

  it('is not retried by the SDK (AccessDenied is not transient): one call per denial', async () => {
    const sts = new STSClient({ endpoint: seeded.emulator.url, region: REGION, credentials: seeded.brokerKey });
    seeded.emulator.state.resetCounters();
    seeded.emulator.state.injectFault({ operation: 'AssumeRole', kind: 'access-denied', times: 1 });
    expect(await failure(assume(sts))).toMatchObject({ name: 'AccessDenied', status: 403 });
    sts.destroy();
    expect(seeded.emulator.state.callCount('AssumeRole')).toBe(1);
  });

  it('targets one role: assuming another role of the same caller goes through', async () => {
    const { roleArn: other } = seeded.emulator.state.putRole({
      accountId: CUSTOMER, roleName: 'OtherBrokerRole', trustPolicy: trustPolicy({ StringEquals: { 'sts:ExternalId': EXTERNAL_ID } }),
    });
    seeded.emulator.state.injectFault({ operation: 'AssumeRole', roleArn: seeded.roleArn, kind: 'access-denied' });
    const sts = stsClient(seeded.emulator, seeded.brokerKey);
    await expect(assume(sts, other)).resolves.toBeDefined();
    expect(await failure(assume(sts))).toMatchObject({ name: 'AccessDenied' });
  });

  it('is armed through the admin HTTP API, narrowed to the calling account and a number of calls', async () => {
    expect(await postFault({ operation: 'AssumeRole', accountId: PARTNER, kind: 'access-denied', times: 1 })).toEqual({ status: 200, body: { ok: true } });
    const sts = stsClient(seeded.emulator, seeded.brokerKey);
    expect(await failure(assume(sts))).toMatchObject({ name: 'AccessDenied', status: 403 });
    const session: Credentials = await assumeCustomerRole(seeded);
    expect(session.accessKeyId).toMatch(/^ASIA/);
  });

  it.each<[string, Partial<FaultSpec>, RegExp]>([
    ['another operation', { operation: 'BatchImportFindings', kind: 'access-denied' }, /AssumeRole only/],
    ["every operation ('*')", { operation: '*', kind: 'access-denied' }, /AssumeRole only/],
    ['a roleArn on another operation', { operation: 'DescribeHub', kind: 'server-error', roleArn: 'arn:aws:iam::222222222222:role/x' }, /roleArn/],
    ['a phase on a fault that is not a connection reset', { operation: '*', kind: 'server-error', phase: 'after-operation' }, /phase/],
    ['an unknown phase', { operation: '*', kind: 'connection-reset', phase: 'later' as never }, /phase/],
  ])('refuses %s, in process and over the admin HTTP API (400)', async (_case, spec, message) => {
    expect(() => seeded.emulator.state.injectFault(spec as FaultSpec)).toThrow(message);
    const answer = await postFault(spec);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
  });
});
