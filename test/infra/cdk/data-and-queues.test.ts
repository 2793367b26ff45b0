import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DELIVER_TIMEOUT } from '#infra/cdk/constructs/functions.js';
import { DELIVERY_PACING_BUDGET_MS, DELIVERY_SETTLE_MARGIN_MS } from '#shared/limits.js';
import { TABLE_KEYS } from '#shared/registry/table-keys.js';
import { logicalIdOf, resourcesOf, synthesizeBroker } from './fixture.js';

let template: Template;
beforeAll(() => {
  ({ template } = synthesizeBroker());
});

const FOURTEEN_DAYS = 14 * 24 * 60 * 60;

function queueIds(): { delivery: string; deadLetter: string } {
  return {
    delivery: logicalIdOf(template, 'AWS::SQS::Queue', 'QueuesDeliveryQueue'),
    deadLetter: logicalIdOf(template, 'AWS::SQS::Queue', 'QueuesDeadLetterQueue'),
  };
}

function deliverEnvironment(): Record<string, unknown> {
  const id = logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsDeliverFunction');
  return resourcesOf(template, 'AWS::Lambda::Function')[id]!.Properties.Environment.Variables;
}

describe('registry table', () => {
  it('is encrypted with the customer managed data key, which rotates', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'DataKey');
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });

  it('has point-in-time recovery, deletion protection, on-demand billing and TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('uses the single-table keys pk/sk and the gsi1 index on gsi1pk/gsi1sk', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('is retained when the stack is deleted, and so is its key', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
});

describe('the key names the code reads', () => {
  it('keys the registry and the ledger as TABLE_KEYS says (the code\'s one definition), with TTL on its ttl attribute and the registry\'s index by its names', () => {
    const tables = resourcesOf(template, 'AWS::DynamoDB::Table');
    const registry = tables[logicalIdOf(template, 'AWS::DynamoDB::Table', 'RegistryTable')]!.Properties;
    const ledger = tables[logicalIdOf(template, 'AWS::DynamoDB::Table', 'LedgerTable')]!.Properties;
    for (const table of [registry, ledger]) {
      expect(table.KeySchema).toEqual([
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ]);
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_KEYS.ttl, Enabled: true });
    }
    expect(registry.GlobalSecondaryIndexes).toEqual([expect.objectContaining({
      IndexName: TABLE_KEYS.gsi,
      KeySchema: [{ AttributeName: TABLE_KEYS.gsiPartitionKey, KeyType: 'HASH' }, { AttributeName: TABLE_KEYS.gsiSortKey, KeyType: 'RANGE' }],
    })]);
    expect(ledger.GlobalSecondaryIndexes).toBeUndefined();
  });
});

describe('the settings one quota per account+Region relies on (docs/performance.md)', () => {
  it('makes both queues FIFO with high throughput: deduplication and throughput per message group, content-based deduplication off', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    for (const id of Object.values(queueIds())) {
      expect(queues[id]!.Properties).toMatchObject({ FifoQueue: true, DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
      expect(queues[id]!.Properties.ContentBasedDeduplication).not.toBe(true);
    }
  });

  it('gives deliver the time to wait its pacing budget and still settle its records within its timeout', () => {
    const deliverId = logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsDeliverFunction');
    const timeout = resourcesOf(template, 'AWS::Lambda::Function')[deliverId]!.Properties.Timeout as number;
    expect(timeout * 1000).toBeGreaterThanOrEqual(DELIVERY_PACING_BUDGET_MS + DELIVERY_SETTLE_MARGIN_MS);
  });

  it('lets deliver keep each quota\'s bucket in the registry table and re-queue findings on the delivery queue', () => {
    const { delivery } = queueIds();
    expect(deliverEnvironment().DELIVERY_QUEUE_URL).toEqual({ Ref: delivery });
    expect(deliverEnvironment().TABLE_NAME).toBeDefined();
  });
});

describe('delivery queue and dead-letter queue', () => {
  it('encrypts both queues with the data key', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'DataKey');
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(2);
    for (const queue of Object.values(queues)) {
      expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
  });

  it('denies any request to either queue that does not use TLS', () => {
    const { delivery, deadLetter } = queueIds();
    for (const queueId of [delivery, deadLetter]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('redrives to the DLQ after exactly the receive count deliver is told (MAX_RECEIVE_COUNT)', () => {
    const { delivery, deadLetter } = queueIds();
    const redrive = resourcesOf(template, 'AWS::SQS::Queue')[delivery]!.Properties.RedrivePolicy;
    expect(redrive.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': [deadLetter, 'Arn'] });
    expect(Number(deliverEnvironment().MAX_RECEIVE_COUNT)).toBe(redrive.maxReceiveCount);
  });

  it('tells deliver the DLQ URL it dead-letters to', () => {
    const { deadLetter } = queueIds();
    expect(deliverEnvironment().DEAD_LETTER_QUEUE_URL).toEqual({ Ref: deadLetter });
  });

  it('keeps dead-lettered messages 14 days, longer than the delivery queue keeps them', () => {
    const { delivery, deadLetter } = queueIds();
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(queues[deadLetter]!.Properties.MessageRetentionPeriod).toBe(FOURTEEN_DAYS);
    expect(queues[delivery]!.Properties.MessageRetentionPeriod).toBeLessThan(FOURTEEN_DAYS);
  });

  it('hides a received batch for at least 6x the deliver timeout', () => {
    const { delivery } = queueIds();
    const deliverId = logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsDeliverFunction');
    const timeout = resourcesOf(template, 'AWS::Lambda::Function')[deliverId]!.Properties.Timeout;
    expect(timeout).toBe(DELIVER_TIMEOUT.toSeconds());
    const visibility = resourcesOf(template, 'AWS::SQS::Queue')[delivery]!.Properties.VisibilityTimeout;
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('feeds deliver with partial batch responses, 10-message batches (a FIFO mapping\'s most), no batching window and capped concurrency', () => {
    const { delivery } = queueIds();
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [delivery, 'Arn'] },
      FunctionName: { Ref: logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsDeliverFunction') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      // "Batching window is not supported for FIFO queues" (Lambda developer guide).
      MaximumBatchingWindowInSeconds: Match.absent(),
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('caps deliver concurrency at the deliverMaxConcurrency context value', () => {
    const variant = synthesizeBroker({ context: { deliverMaxConcurrency: '12' } }).template;
    variant.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 12 } });
  });
});
