import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, startDynamo, type LocalDynamo } from '#infra/local/dynamo.js';
import { submitFindings } from '#shared/ingest/submit-findings.js';
import { submissionStatus } from '#functions/ingest/submission-status.js';
import { productArn } from '#shared/product/product-arn.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { aFinding } from '../asff/finding-factory.js';

const ARN = productArn({ partition: 'aws', region: 'us-east-1', accountId: '111111111111', company: 'acme', product: 'scanner' });
const CUSTOMER = '222222222222';
let dynamo: LocalDynamo;
let registry: DynamoRegistry;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamo(0);
  client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  await ensureTable(client, 'ingest-test');
  registry = new DynamoRegistry(client, 'ingest-test');
  const now = new Date().toISOString();
  await registry.putPartner({ partnerId: 'acme', name: 'Acme', productArns: [ARN], createdAt: now });
  await registry.putRegistration({ accountId: CUSTOMER, productKey: 'acme/scanner', partnerId: 'acme', regions: ['us-east-1'], mode: 'partner-account',
    status: 'ACTIVE', createdAt: now, updatedAt: now });
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

describe('ingest when the delivery queue refuses', () => {
  // SQS failing on demand is what the local SQS (fauxqs) cannot do: the SDK mock stands in for that one answer.
  it('reports every finding it could not queue as failed, never accepted, and answers 503 so the partner sends them again', async () => {
    const sqs = new SQSClient({ region: 'us-east-1' });
    const mock = mockClient(sqs);
    mock.on(SendMessageBatchCommand).rejects(Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    const findings = [aFinding({ Id: 'a', ProductArn: ARN, AwsAccountId: CUSTOMER }), aFinding({ Id: 'b', ProductArn: ARN, AwsAccountId: CUSTOMER })];
    const reply = await submitFindings(
      { partnerId: 'acme', body: JSON.stringify({ Findings: findings }), dryRun: false },
      { registry, sqs, deliveryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/delivery' },
    );
    expect(reply).toMatchObject({ accepted: 0, failed: 2, rejected: 0 });
    expect(reply.results.map((result) => [result.status, result.errors?.[0]?.rule])).toEqual([['failed', 'enqueueFailed'], ['failed', 'enqueueFailed']]);
    expect(submissionStatus(reply)).toBe(503);
    expect(mock.commandCalls(SendMessageBatchCommand).length).toBe(3);
    mock.restore();
  });
});

describe('ingest of a finding too big for one SQS message once escaped', () => {
  // 24,000 emoji: 96 KB as the partner sends it (within Security Hub's 240 KB), 288 KB on the queue,
  // where each becomes a 12-byte \uXXXX\uXXXX escape (shared/queue/sqs-characters.ts).
  const emojiFields = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, '\u{1F600}'.repeat(2000)]));

  it.each([false, true])('refuses it alone with a 4xx reason (rule maxQueuedBytes), never queues it, and accepts the others (dryRun %s)', async (dryRun) => {
    const sqs = new SQSClient({ region: 'us-east-1' });
    const mock = mockClient(sqs);
    mock.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string }> }) => ({ Successful: input.Entries.map(({ Id }) => ({ Id })), Failed: [] }));
    const big = aFinding({ Id: 'emoji', ProductArn: ARN, AwsAccountId: CUSTOMER, ProductFields: emojiFields });
    const fine = aFinding({ Id: 'fine', ProductArn: ARN, AwsAccountId: CUSTOMER, ProductFields: { k: '\u{1F600}'.repeat(100) } });
    const reply = await submitFindings(
      { partnerId: 'acme', body: JSON.stringify({ Findings: [big, fine] }), dryRun },
      { registry, sqs, deliveryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/delivery' },
    );
    expect(reply).toMatchObject({ accepted: 1, rejected: 1, failed: 0 });
    expect(reply.results[0]).toMatchObject({ status: 'rejected', errors: [{ path: 'Findings[0]', rule: 'maxQueuedBytes' }] });
    expect(reply.results[0]!.errors![0]!.message).toMatch(/12 bytes/);
    expect(submissionStatus(reply)).toBe(207);
    const sent = mock.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(sent.map((entry) => JSON.parse(entry.MessageBody!).findings.map((f: { Id: string }) => f.Id)).flat()).toEqual(dryRun ? [] : ['fine']);
    mock.restore();
  });
});

describe('ingest for a registration that is not ACTIVE', () => {
  it.each([
    ['PENDING', /is PENDING: the customer has not handed over a verified role yet/],
    ['SUSPENDED', /is SUSPENDED: the customer's account refused the broker's deliveries repeatedly .*verifies the role/],
  ] as const)('rejects the finding as registrationNotActive with the %s registration\'s own reason', async (status, message) => {
    const account = status === 'PENDING' ? '333333333301' : '333333333302';
    const now = new Date().toISOString();
    await registry.putRegistration({ accountId: account, productKey: 'acme/scanner', partnerId: 'acme', regions: ['us-east-1'], mode: 'partner-account',
      status, createdAt: now, updatedAt: now });
    const reply = await submitFindings(
      { partnerId: 'acme', body: JSON.stringify({ Findings: [aFinding({ Id: 'x', ProductArn: ARN, AwsAccountId: account })] }), dryRun: true },
      { registry, sqs: new SQSClient({ region: 'us-east-1' }), deliveryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/delivery' },
    );
    expect(reply.results[0]?.errors?.[0]).toMatchObject({ rule: 'registrationNotActive', message: expect.stringMatching(message) });
  });
});
