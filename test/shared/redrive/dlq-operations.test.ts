import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startQueues, type LocalQueues } from '#infra/local/queues.js';
import { listDeadLetters, purgeDeadLetters, redriveDeadLetters, summarizeDeadLetters } from '#shared/redrive/dlq-operations.js';
import type { DlqQueues } from '#shared/redrive/dlq-receiver.js';
import { parseDeliveryMessage } from '#shared/queue/delivery-message.js';
import { seedDeadLetters } from '../../support/dead-letters.js';

let local: LocalQueues;
let sqs: SQSClient;
let queues: DlqQueues;
const A = '222222222222';
const B = '333333333333';

/**
 * Drains a queue (the test owns it), returning every message with its attributes. Received messages
 * are deleted: in a FIFO queue one left in flight would hold back its whole message group.
 */
async function drain(queueUrl: string) {
  const all = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 30, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return all;
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    all.push(...Messages);
  }
}

beforeAll(async () => {
  // The delivery queue's own redrive policy is not in play: nothing here consumes it.
  local = await startQueues({ port: 0, region: 'us-east-1', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
  sqs = new SQSClient({ region: 'us-east-1', endpoint: local.ipEndpoint, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  queues = { sqs, deadLetterQueueUrl: local.deadLetterQueueUrl, deliveryQueueUrl: local.deliveryQueueUrl };
});
afterAll(async () => {
  sqs?.destroy();
  await local?.stop();
});
beforeEach(async () => {
  await drain(local.deadLetterQueueUrl);
  await drain(local.deliveryQueueUrl);
  await seedDeadLetters(sqs, local.deadLetterQueueUrl, [
    { accountId: A, errorCode: 'AssumeRoleDenied', findings: 3, partnerId: 'acme' },
    { accountId: A, errorCode: 'AssumeRoleDenied', findings: 2, partnerId: 'acme' },
    { accountId: A, errorCode: 'InvalidInput', findings: 1, partnerId: 'acme' },
    { accountId: B, errorCode: 'SecurityHubNotEnabled', findings: 4, partnerId: 'globex' },
    { accountId: B, errorCode: 'x', findings: 1, partnerId: 'globex', bare: true },
  ]);
});

describe('the DLQ operations on a real SQS (fauxqs)', () => {
  it('lists matching messages and leaves every message visible again at once', async () => {
    const seen: string[] = [];
    const progress = await listDeadLetters(queues, { filter: { accounts: [A] } }, (view) => seen.push(view.errorCode));
    expect(seen.sort()).toEqual(['AssumeRoleDenied', 'AssumeRoleDenied', 'InvalidInput']);
    expect(progress).toMatchObject({ messages: 5, findings: 11, matchedMessages: 3, matchedFindings: 6, complete: true });
    expect(await drain(local.deadLetterQueueUrl)).toHaveLength(5);
  });

  it('summarises by account, error code and partner, with the oldest failure', async () => {
    const summary = await summarizeDeadLetters(queues, {});
    expect(summary).toMatchObject({ messages: 5, findings: 11 });
    expect(summary.byAccount[A]).toMatchObject({ messages: 3, findings: 6 });
    expect(summary.byErrorCode).toMatchObject({ AssumeRoleDenied: { messages: 2, findings: 5 }, RetriesExhausted: { messages: 1, findings: 1 } });
    expect(summary.byPartner.globex).toMatchObject({ messages: 2, findings: 5 });
    expect(summary.oldestFailedAt).toEqual(expect.any(String));
  });

  it('moves nothing on a dry run, and says what would move', async () => {
    const report = await redriveDeadLetters(queues, { filter: { accounts: [A], errorCodes: ['AssumeRoleDenied'] }, dryRun: true });
    expect(report).toMatchObject({ matchedMessages: 2, matchedFindings: 5, dryRun: true });
    expect(await drain(local.deliveryQueueUrl)).toHaveLength(0);
    expect(await drain(local.deadLetterQueueUrl)).toHaveLength(5);
  });

  it('redrives exactly the matching messages with their history, deletes them from the DLQ and leaves the rest visible', async () => {
    const report = await redriveDeadLetters(queues, { filter: { accounts: [A], errorCodes: ['AssumeRoleDenied'] } });
    expect(report).toMatchObject({ matchedMessages: 2, matchedFindings: 5, failedMessages: 0, complete: true });
    const moved = (await drain(local.deliveryQueueUrl)).map((message) => ({ body: parseDeliveryMessage(message.Body!), attributes: message.MessageAttributes }));
    expect(moved).toHaveLength(2);
    for (const { body, attributes } of moved) {
      expect(body.accountId).toBe(A);
      expect(body.history).toMatchObject({ firstErrorCode: 'AssumeRoleDenied', firstErrorMessage: 'AssumeRoleDenied: fix it', redrives: 1 });
      expect(attributes?.AwsAccountId?.StringValue).toBe(A);
    }
    const left = await drain(local.deadLetterQueueUrl);
    expect(left.map((m) => m.MessageAttributes?.ErrorCode?.StringValue ?? 'none').sort()).toEqual(['InvalidInput', 'SecurityHubNotEnabled', 'none']);
  });

  it('redrives a message SQS dead-lettered by itself (RetriesExhausted) like any other', async () => {
    const report = await redriveDeadLetters(queues, { filter: { errorCodes: ['RetriesExhausted'] } });
    expect(report.matchedMessages).toBe(1);
    const [moved] = await drain(local.deliveryQueueUrl);
    expect(parseDeliveryMessage(moved!.Body!).history).toMatchObject({ firstErrorCode: 'RetriesExhausted', redrives: 1 });
  });

  it('paces a redrive at the given findings per second', async () => {
    const started = Date.now();
    const report = await redriveDeadLetters(queues, { findingsPerSecond: 10 });
    expect(report.matchedFindings).toBe(11);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('lets two redrives at once send each message once: a received message is hidden from the other', async () => {
    const [first, second] = await Promise.all([redriveDeadLetters(queues, {}), redriveDeadLetters(queues, {})]);
    expect(first.matchedMessages + second.matchedMessages).toBe(5);
    const moved = await drain(local.deliveryQueueUrl);
    expect(new Set(moved.map((m) => parseDeliveryMessage(m.Body!).findings[0]!.Id)).size).toBe(5);
    expect(moved).toHaveLength(5);
  });

  it('purges only what matches', async () => {
    const progress = await purgeDeadLetters(queues, { filter: { errorCodes: ['InvalidInput'] } });
    expect(progress).toMatchObject({ matchedMessages: 1, matchedFindings: 1 });
    expect(await drain(local.deadLetterQueueUrl)).toHaveLength(4);
  });

  it('stops at --max-messages and says the walk was not complete, releasing what it held', async () => {
    const progress = await listDeadLetters(queues, { maxMessages: 2 }, () => undefined);
    expect(progress).toMatchObject({ messages: 2, complete: false });
    expect(await drain(local.deadLetterQueueUrl)).toHaveLength(5);
  });
});
