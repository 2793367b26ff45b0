import { BatchImportFindingsCommand, InternalException, InvalidInputException, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CredentialResolver } from '#shared/credentials/credential-resolver.js';
import { deliverRecords, type DeliverDeps, type DeliveryRecord } from '#shared/delivery/deliver-records.js';
import { IAM_PROPAGATION_GRACE_MS } from '#shared/delivery/deliver-group.js';
import { ImportPacer } from '#shared/delivery/import-pacer.js';
import { MemoryQuotaStates } from '#shared/delivery/quota-states.js';
import { MAX_DEFERRAL_MS, MAX_INVALID_INPUT_ISOLATION_CALLS } from '#shared/limits.js';
import { SecurityHubClients } from '#shared/delivery/securityhub-clients.js';
import type { Registration } from '#shared/registry/model.js';
import type { Registry } from '#shared/registry/registry.js';

// The local stack cannot make one import of a message succeed and the next fail on the same
// delivery, so these cases use aws-sdk-client-mock; the journeys themselves run on the local stack.
const securityHub = mockClient(SecurityHubClient);
const sts = mockClient(STSClient);
const sqs = mockClient(SQSClient);

const registration: Registration = {
  accountId: '222222222222', productKey: 'acme/scanner', partnerId: 'acme', regions: ['us-east-1'], mode: 'cross-account-role',
  roleArn: 'arn:aws:iam::222222222222:role/SecurityHubFindingsBroker-acme', externalId: 'x'.repeat(43), status: 'ACTIVE',
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
};
const productArn = 'arn:aws:securityhub:us-east-1:111111111111:product/acme/scanner';

function record(receiveCount: number, count: number, findings: Array<Record<string, unknown>> = Array.from({ length: count }, (_, i) => ({ Id: `f-${i}`, ProductArn: productArn, AwsAccountId: registration.accountId })), extra: Record<string, unknown> = {}) {
  const body = JSON.stringify({ v: 1, submissionId: 's-1', partnerId: 'acme', accountId: registration.accountId, region: 'us-east-1', productKey: 'acme/scanner',
    quotaKey: `${registration.accountId}/us-east-1`, findings, ...extra });
  return { messageId: `m-${receiveCount}`, body, receiveCount };
}

const DEAD_LETTER_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111111111111/dlq.fifo';
const DELIVERY_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111111111111/delivery.fifo';

/** A minute to wait for quotas, unless a test says otherwise. */
function deliver(records: DeliveryRecord[], dependencies: DeliverDeps = deps(), waitMs = 60_000) {
  return deliverRecords(records, dependencies, { deadline: Date.now() + waitMs });
}

function deps(): DeliverDeps {
  return {
    registry: {
      getRegistration: async () => registration,
      recordAccessFailure: async () => undefined,
      clearAccessFailures: async () => undefined,
      suspendRegistration: async () => false,
    } as unknown as Registry,
    credentials: new CredentialResolver(new STSClient({ region: 'us-east-1' }), { sessionNamePrefix: 'securityhub-broker' }),
    securityHub: new SecurityHubClients(),
    quotaStates: new MemoryQuotaStates(),
    sqs: new SQSClient({ region: 'us-east-1' }),
    deliveryQueueUrl: DELIVERY_QUEUE_URL,
    deadLetterQueueUrl: DEAD_LETTER_QUEUE_URL,
    maxReceiveCount: 3,
  };
}

/** Dead-lettered findings' ids and the reason attributes they were sent with. */
function deadLettered(): Array<{ ids: string[]; code: string; message: string }> {
  return sqs.commandCalls(SendMessageBatchCommand).filter((call) => call.args[0].input.QueueUrl === DEAD_LETTER_QUEUE_URL).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      ids: (JSON.parse(entry.MessageBody ?? '{}') as { findings: Array<{ Id: string }> }).findings.map((f) => f.Id),
      code: entry.MessageAttributes?.ErrorCode?.StringValue ?? '',
      message: entry.MessageAttributes?.ErrorMessage?.StringValue ?? '',
    })),
  );
}

beforeEach(() => {
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) } });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  // The first chunk imports; the second fails as long as it is tried.
  securityHub.on(BatchImportFindingsCommand).resolvesOnce({ SuccessCount: 100, FailedCount: 0, FailedFindings: [] })
    .rejects(new InternalException({ message: 'boom', $metadata: { httpStatusCode: 500 } }));
});
afterEach(() => {
  securityHub.reset();
  sts.reset();
  sqs.reset();
});

describe('deliverRecords on a transient failure', () => {
  it('retries a 5xx three times, paced, then re-queues the findings that failed with one delivery attempt counted, holding back nothing behind them', async () => {
    const report = await deliver([record(1, 150)]);
    expect(report).toMatchObject({ imported: 100, deadLettered: 0, deferred: 50, retrying: 0, failedMessageIds: [] });
    // The first chunk, then the second one four times (the first try and three retries).
    expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(5);
    const [message] = requeued();
    expect(message?.body.findings.map((f) => f.Id)).toEqual(Array.from({ length: 50 }, (_, i) => `f-${100 + i}`));
    expect(message?.body).toMatchObject({ attempts: 1 });
    expect(deadLettered()).toEqual([]);
  });

  it('dead-letters the findings that failed with the last error once maxReceiveCount deliveries are spent, re-queued ones included', async () => {
    const report = await deliver([record(1, 150, undefined, { attempts: 2 })]);
    expect(report).toMatchObject({ imported: 100, deadLettered: 50, deferred: 0, failedMessageIds: [] });
    const letters = deadLettered();
    expect(letters.flatMap((l) => l.ids)).toEqual(Array.from({ length: 50 }, (_, i) => `f-${100 + i}`));
    expect(letters[0]?.code).toBe('SecurityHubInternalError');
    expect(letters[0]?.message).toMatch(/^Gave up after 3 deliveries; last error: boom/);
  });

  it('fails the record instead of losing findings when the DLQ refuses them', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('DLQ unavailable'));
    const report = await deliver([record(3, 150)]);
    expect(report.failedMessageIds).toEqual(['m-3']);
    expect(report.deadLettered).toBe(0);
  });
});

/** What went back to the delivery queue: each message's group, deduplication id and body. */
function requeued(): Array<{ groupId: string; deduplicationId: string; body: { findings: Array<{ Id: string }>; deferredSince?: string } }> {
  return sqs.commandCalls(SendMessageBatchCommand).filter((call) => call.args[0].input.QueueUrl === DELIVERY_QUEUE_URL).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      groupId: entry.MessageGroupId ?? '', deduplicationId: entry.MessageDeduplicationId ?? '',
      body: JSON.parse(entry.MessageBody ?? '{}') as { findings: Array<{ Id: string }>; deferredSince?: string },
    })),
  );
}

describe('deliverRecords under throttling', () => {
  it.each([
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 429],
    ['ThrottlingException', 429],
    ['SomeFutureThrottle', 429],
  ])('counts %s (%i) as throttled, backs off, and re-queues the findings in their quota\'s group when time runs out, spending no receive', async (name, status) => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).rejects(Object.assign(new Error('slow down'), { name, $metadata: { httpStatusCode: status } }));
    const report = await deliver([record(1, 30)], deps(), 300);
    expect(report).toMatchObject({ imported: 0, deferred: 30, deadLettered: 0, retrying: 0, failedMessageIds: [] });
    // Paced at the halved rate (5 calls/s) within the 300 ms left: the first call and one more, not a storm.
    expect(report.throttled).toBeGreaterThanOrEqual(1);
    expect(report.throttled).toBeLessThanOrEqual(2);
    const [message, ...more] = requeued();
    expect(more).toEqual([]);
    expect(message?.groupId).toBe('222222222222/us-east-1');
    expect(message?.deduplicationId).toMatch(/^[\w-]{36}$/);
    expect(message?.body.findings).toHaveLength(30);
    expect(Date.parse(message?.body.deferredSince ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(deadLettered()).toEqual([]);
  });

  it('retries a throttled call, paced, while the invocation has time, and imports on the retry', async () => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }))
      .resolves({ SuccessCount: 30, FailedCount: 0, FailedFindings: [] });
    const report = await deliver([record(1, 30)]);
    expect(report).toMatchObject({ imported: 30, throttled: 1, deferred: 0, failedMessageIds: [] });
    expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(2);
    expect(requeued()).toEqual([]);
  });

  it('dead-letters findings that have waited for their quota longer than MAX_DEFERRAL_MS, with the reason', async () => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }));
    const since = new Date(Date.now() - MAX_DEFERRAL_MS - 60_000).toISOString();
    const report = await deliver([record(1, 5, undefined, { deferredSince: since })], deps(), 300);
    expect(report).toMatchObject({ imported: 0, deferred: 0, deadLettered: 5, failedMessageIds: [] });
    expect(deadLettered()[0]).toMatchObject({ code: 'Throttled', message: expect.stringMatching(/^Gave up after \d+ minutes of waiting for account 222222222222's BatchImportFindings quota/) });
    expect(requeued()).toEqual([]);
  });

  it('retries the record whole when the re-queue fails, so nothing is lost', async () => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }));
    sqs.on(SendMessageBatchCommand).rejects(new Error('SQS unavailable'));
    const report = await deliver([record(1, 5)], deps(), 300);
    expect(report).toMatchObject({ deferred: 0, retrying: 5, failedMessageIds: ['m-1'] });
  });
});

describe('deliverRecords when STS refuses the AssumeRole', () => {
  const stsError = (name: string, status: number, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it.each([1, 3])('re-queues findings when STS throttles the AssumeRole (Throttling, HTTP 400), on receive %i alike: no receive spent', async (receiveCount) => {
    sts.on(AssumeRoleCommand).rejects(stsError('Throttling', 400, 'Rate exceeded'));
    const report = await deliver([record(receiveCount, 5)], deps());
    expect(report).toMatchObject({ imported: 0, deadLettered: 0, deferred: 5, retrying: 0, failedMessageIds: [] });
    expect(requeued().flatMap((m) => m.body.findings.map((f) => f.Id))).toEqual(['f-0', 'f-1', 'f-2', 'f-3', 'f-4']);
    expect(deadLettered()).toEqual([]);
  });

  it('gives an AccessDenied on the first receive another receive (IAM changes take a moment to apply)', async () => {
    sts.on(AssumeRoleCommand).rejects(stsError('AccessDenied', 403, 'User: x is not authorized to perform: sts:AssumeRole on resource: y'));
    const report = await deliver([record(1, 5)], deps());
    expect(report).toMatchObject({ imported: 0, deadLettered: 0, retrying: 5, failedMessageIds: ['m-1'] });
    expect(deadLettered()).toEqual([]);
  });

  it('dead-letters an AccessDenied on a first receive too once the registration has been refused for longer than the IAM propagation grace', async () => {
    sts.on(AssumeRoleCommand).rejects(stsError('AccessDenied', 403, 'User: x is not authorized to perform: sts:AssumeRole on resource: y'));
    const refusedLongAgo = { ...registration, accessFailures: { count: 2, firstAt: new Date(Date.now() - IAM_PROPAGATION_GRACE_MS - 1000).toISOString(),
      lastAt: new Date().toISOString(), code: 'AssumeRoleDenied', message: 'refused', region: 'us-east-1' } };
    const refusedJustNow = { ...refusedLongAgo, accessFailures: { ...refusedLongAgo.accessFailures, firstAt: new Date().toISOString() } };
    for (const [current, expected] of [[refusedLongAgo, { deadLettered: 2, retrying: 0 }], [refusedJustNow, { deadLettered: 0, retrying: 2 }]] as const) {
      const dependencies = { ...deps(), registry: { ...deps().registry, getRegistration: async () => current } as unknown as Registry };
      expect(await deliver([record(1, 2)], dependencies)).toMatchObject(expected);
    }
  });

  it('dead-letters an AccessDenied on the last receive as AssumeRoleDenied with the fix, and gives earlier receives their retry', async () => {
    sts.on(AssumeRoleCommand).rejects(stsError('AccessDenied', 403, 'User: x is not authorized to perform: sts:AssumeRole on resource: y'));
    const report = await deliver([record(2, 2), record(3, 3)], deps());
    // The second receive's record waits for its retry (the refusal is recent); the last receive's findings go with the reason.
    expect(report).toMatchObject({ imported: 0, deadLettered: 3, retrying: 2, failedMessageIds: ['m-2'] });
    const letters = deadLettered();
    expect(letters.flatMap((l) => l.ids).sort()).toEqual(['f-0', 'f-1', 'f-2']);
    expect(letters[0]).toMatchObject({ code: 'AssumeRoleDenied', message: expect.stringMatching(/^Gave up after 3 deliveries; last error: .*trust policy/) });
  });
});

/** Findings of the calls Security Hub received, by call. */
function importedPerCall(): Array<Array<Record<string, unknown>>> {
  return securityHub.commandCalls(BatchImportFindingsCommand).map((call) => (call.args[0].input.Findings ?? []) as unknown as Array<Record<string, unknown>>);
}

const finding = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ Id: id, ProductArn: productArn, AwsAccountId: registration.accountId, ...extra });

describe('deliverRecords with findings that share an Id', () => {
  it('imports them in separate calls, so a FailedFindings entry (Id only) fails only the version it is about', async () => {
    securityHub.reset();
    // Security Hub names a failed finding by Id alone; this one refuses the version titled "bad".
    securityHub.on(BatchImportFindingsCommand).callsFake((input: { Findings: AwsSecurityFinding[] }) => {
      const failed = input.Findings.filter((f) => f.Title === 'bad').map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'data.Title is bad' }));
      return { SuccessCount: input.Findings.length - failed.length, FailedCount: failed.length, FailedFindings: failed };
    });
    const findings = [finding('dup', { Title: 'ok', UpdatedAt: '2026-01-01T00:00:00Z' }), finding('other'), finding('dup', { Title: 'bad', UpdatedAt: '2026-01-02T00:00:00Z' })];
    const report = await deliver([record(1, 0, findings)], deps());
    expect(report).toMatchObject({ imported: 2, deadLettered: 1, failedMessageIds: [] });
    expect(importedPerCall().map((call) => call.map((f) => `${String(f.Id)}:${String(f.Title)}`))).toEqual([['dup:ok', 'other:undefined'], ['dup:bad']]);
    expect(deadLettered()).toEqual([{ ids: ['dup'], code: 'InvalidInput', message: expect.stringContaining('data.Title is bad') }]);
  });
});

describe('deliverRecords when Security Hub refuses a whole call as InvalidInputException', () => {
  // The emulator answers InvalidInputException for a whole call only when the request breaks a
  // request-wide limit (over 100 findings, over 6 MB), which the broker's chunking never sends; a
  // stub plays a Security Hub that refuses the whole request for one finding it cannot parse.
  const refuseWhenBad = () => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).callsFake((input: { Findings: AwsSecurityFinding[] }) => {
      const bad = input.Findings.find((f) => f.Title === 'bad');
      if (bad) throw new InvalidInputException({ message: `Finding ${bad.Id} has an invalid Title`, $metadata: { httpStatusCode: 400 } });
      return { SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] };
    });
  };

  it('splits the chunk to isolate the one invalid finding, imports the other 99 and dead-letters that one with the AWS message, within 2*log2(100) extra calls', async () => {
    refuseWhenBad();
    const findings = Array.from({ length: 100 }, (_, i) => finding(`f-${i}`, i === 37 ? { Title: 'bad' } : {}));
    const take = vi.spyOn(ImportPacer.prototype, 'take');
    const report = await deliver([record(1, 0, findings)]);
    const paced = take.mock.calls.length;
    take.mockRestore();
    expect(report).toMatchObject({ imported: 99, deadLettered: 1, retrying: 0, failedMessageIds: [] });
    expect(deadLettered()).toEqual([{ ids: ['f-37'], code: 'InvalidInput', message: expect.stringContaining('Finding f-37 has an invalid Title') }]);
    const calls = importedPerCall();
    expect(calls.length - 1).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(100)));
    expect(paced).toBe(calls.length);
    // Every valid finding was imported by some successful call.
    expect(new Set(calls.filter((c) => !c.some((f) => f.Title === 'bad')).flat().map((f) => f.Id)).size).toBe(99);
  });

  it('bounds the extra calls when many findings are invalid, dead-lettering what it could not isolate', async () => {
    refuseWhenBad();
    const findings = Array.from({ length: 100 }, (_, i) => finding(`f-${i}`, i % 10 === 0 ? { Title: 'bad' } : {}));
    const report = await deliver([record(1, 0, findings)], deps());
    const calls = importedPerCall();
    expect(MAX_INVALID_INPUT_ISOLATION_CALLS).toBe(28);
    expect(calls.length - 1).toBe(MAX_INVALID_INPUT_ISOLATION_CALLS);
    // Nothing is lost: each finding is imported or dead-lettered, and every bad one is dead-lettered.
    expect(report.imported).toBeGreaterThan(0);
    expect(report.imported + report.deadLettered).toBe(100);
    const letters = deadLettered();
    expect(letters.flatMap((l) => l.ids)).toEqual(expect.arrayContaining(findings.filter((f) => f.Title === 'bad').map((f) => f.Id)));
    expect(new Set(letters.map((l) => l.code))).toEqual(new Set(['InvalidInput']));
    expect(letters.some((l) => /could not single out the invalid one\(s\) within 28 extra calls/.test(l.message))).toBe(true);
  });
});
