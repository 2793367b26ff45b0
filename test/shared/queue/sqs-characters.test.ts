import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueues, type LocalQueues } from '#infra/local/queues.js';
import { MAX_SQS_MESSAGE_BYTES } from '#shared/limits.js';
import { packDeliveryMessages, parseDeliveryMessage } from '#shared/queue/delivery-message.js';
import { sqsJsonBytes, sqsSafeJson } from '#shared/queue/sqs-characters.js';
import { batchesOf, sendMessages } from '#shared/queue/sqs-sender.js';

// Characters SQS refuses (botocore sqs/2012-11-05/service-2.json, SendMessage MessageBody allows only
// #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF), an astral one the local SQS
// refuses, and a lone surrogate (a JSON string may hold one).
const ODD = 'a\uFFFEb\uFFFFc\u{1F600}d\uD800e';
const group = { submissionId: 's-1', partnerId: 'acme', accountId: '222222222222', region: 'us-east-1', productKey: 'acme/scanner' };

describe('sqsSafeJson', () => {
  it('escapes U+FFFE, U+FFFF, astral characters (as surrogate pairs) and lone surrogates, and parses back to the same value', () => {
    const value = { Title: ODD, Nested: [{ Note: `${ODD} "quoted" \\ back\nslash` }] };
    const safe = sqsSafeJson(JSON.stringify(value));
    expect(safe).toContain('a\\ufffeb\\uffffc\\ud83d\\ude00d\\ud800e');
    expect(safe).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/);
    expect(JSON.parse(safe)).toEqual(value);
  });

  it('leaves JSON without refused characters as it is', () => {
    const json = JSON.stringify({ Title: 'plain ascii, ü, 日本, \uE000\uFFFD', n: 1 });
    expect(sqsSafeJson(json)).toBe(json);
  });

  it('counts the escaped size: 6 bytes for U+FFFE and 12 for an emoji', () => {
    expect(sqsJsonBytes('"\uFFFE"')).toBe(8);
    expect(sqsJsonBytes('"\u{1F600}"')).toBe(14);
    expect(Buffer.byteLength('"\u{1F600}"')).toBe(6);
  });

  it('packs messages by their escaped size, so each stays within the SQS limit once escaped', () => {
    // 60 KiB of UTF-8 per finding that escapes to 180 KiB: unescaped, all four would share one message.
    const findings = Array.from({ length: 4 }, (_, i) => ({ Id: `f-${i}`, Title: '\u{1F600}'.repeat(15 * 1024) }));
    const messages = packDeliveryMessages(group, findings);
    for (const message of messages) expect(sqsJsonBytes(JSON.stringify(message))).toBeLessThanOrEqual(MAX_SQS_MESSAGE_BYTES);
    expect(messages).toHaveLength(4);
    expect(messages.flatMap((m) => m.findings)).toEqual(findings);
  });

  it('splits SendMessageBatch calls by the escaped size', () => {
    // 4 bodies of 60 KiB UTF-8 that escape to 120 KiB: two per 256 KiB call, not all four in one.
    const bodies = Array.from({ length: 4 }, () => ({ body: JSON.stringify('\uFFFE'.repeat(20 * 1024)), attributes: {} }));
    expect(batchesOf(bodies).map((b) => b.length)).toEqual([2, 2]);
  });
});

describe('sendMessages with characters SQS refuses', () => {
  let local: LocalQueues;
  let sqs: SQSClient;
  beforeAll(async () => {
    local = await startQueues({ port: 0, region: 'us-east-1', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    sqs = new SQSClient({ region: 'us-east-1', endpoint: local.ipEndpoint, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  });
  afterAll(async () => {
    sqs?.destroy();
    await local?.stop();
  });

  it('queues them, and the body parses back to exactly the characters sent', async () => {
    const [message] = packDeliveryMessages(group, [{ Id: 'f-1', Title: ODD }]);
    const { failed } = await sendMessages(sqs, local.deliveryQueueUrl, [{ body: JSON.stringify(message), attributes: { AwsAccountId: group.accountId }, groupId: 'g', deduplicationId: 'd-1' }]);
    expect(failed).toEqual([]);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: local.deliveryQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }));
    expect(parseDeliveryMessage(Messages[0]!.Body!).findings[0]!.Title).toBe(ODD);
  });
});
