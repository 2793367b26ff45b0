import { BatchImportFindingsCommand, InternalException, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialResolver } from '#shared/credentials/credential-resolver.js';
import { deliverRecords, type DeliverDeps } from '#shared/delivery/deliver-records.js';
import { ImportPacer } from '#shared/delivery/import-pacer.js';
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

function record(receiveCount: number, count: number) {
  const findings = Array.from({ length: count }, (_, i) => ({ Id: `f-${i}`, ProductArn: productArn, AwsAccountId: registration.accountId }));
  const body = JSON.stringify({ v: 1, submissionId: 's-1', partnerId: 'acme', accountId: registration.accountId, region: 'us-east-1', productKey: 'acme/scanner', findings });
  return { messageId: `m-${receiveCount}`, body, receiveCount };
}

function deps(): DeliverDeps {
  return {
    registry: { getRegistration: async () => registration } as unknown as Registry,
    credentials: new CredentialResolver(new STSClient({ region: 'us-east-1' }), { sessionNamePrefix: 'securityhub-broker' }),
    securityHub: new SecurityHubClients(),
    pacer: new ImportPacer(),
    sqs: new SQSClient({ region: 'us-east-1' }),
    deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/dlq',
    maxReceiveCount: 3,
  };
}

/** Dead-lettered findings' ids and the reason attributes they were sent with. */
function deadLettered(): Array<{ ids: string[]; code: string; message: string }> {
  return sqs.commandCalls(SendMessageBatchCommand).flatMap((call) =>
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
  it('leaves the record to SQS before its last delivery, and dead-letters nothing', async () => {
    const report = await deliverRecords([record(1, 150)], deps());
    expect(report).toMatchObject({ imported: 100, deadLettered: 0, failedMessageIds: ['m-1'] });
    expect(deadLettered()).toEqual([]);
  });

  it('on the last delivery dead-letters only the findings that failed, with the last error', async () => {
    const report = await deliverRecords([record(3, 150)], deps());
    expect(report).toMatchObject({ imported: 100, deadLettered: 50, failedMessageIds: [] });
    const letters = deadLettered();
    expect(letters.flatMap((l) => l.ids)).toEqual(Array.from({ length: 50 }, (_, i) => `f-${100 + i}`));
    expect(letters[0]?.code).toBe('SecurityHubInternalError');
    expect(letters[0]?.message).toMatch(/^Gave up after 3 deliveries; last error: boom/);
  });

  it('fails the record instead of losing findings when the DLQ refuses them', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('DLQ unavailable'));
    const report = await deliverRecords([record(3, 150)], deps());
    expect(report.failedMessageIds).toEqual(['m-3']);
    expect(report.deadLettered).toBe(0);
  });
});

describe('deliverRecords under throttling', () => {
  it.each([
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 429],
    ['ThrottlingException', 429],
    ['SomeFutureThrottle', 429],
  ])('counts %s (%i) as throttled and leaves the record to SQS', async (name, status) => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).rejects(Object.assign(new Error('slow down'), { name, $metadata: { httpStatusCode: status } }));
    const report = await deliverRecords([record(1, 30)], deps());
    expect(report).toMatchObject({ imported: 0, throttled: 30, deadLettered: 0, failedMessageIds: ['m-1'] });
  });
});
