import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { startQueues } from '#infra/local/queues.js';

let folder: string | undefined;
afterAll(async () => folder && rm(folder, { recursive: true, force: true }));

const client = (endpoint: string) => new SQSClient({ region: 'us-east-1', endpoint, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

describe('the local queues on a data dir', () => {
  it('keep their queued and dead-lettered messages across a restart, with this start\'s settings', async () => {
    folder = await mkdtemp(join(tmpdir(), 'broker-queues-'));
    const first = await startQueues({ port: 0, region: 'us-east-1', dataDir: folder, visibilityTimeoutSeconds: 2, maxReceiveCount: 3 });
    let sqs = client(first.ipEndpoint);
    await sqs.send(new SendMessageCommand({ QueueUrl: first.deliveryQueueUrl, MessageBody: 'queued' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: first.deadLetterQueueUrl, MessageBody: 'dead-lettered' }));
    sqs.destroy();
    await first.stop();

    const second = await startQueues({ port: 0, region: 'us-east-1', dataDir: folder, visibilityTimeoutSeconds: 7, maxReceiveCount: 5 });
    sqs = client(second.ipEndpoint);
    try {
      const receive = async (queueUrl: string) =>
        (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages?.map((m) => m.Body);
      expect(await receive(second.deliveryQueueUrl)).toEqual(['queued']);
      expect(await receive(second.deadLetterQueueUrl)).toEqual(['dead-lettered']);
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: second.deliveryQueueUrl, AttributeNames: ['All'] }));
      expect(Attributes).toMatchObject({ VisibilityTimeout: '7' });
      expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({ deadLetterTargetArn: second.deadLetterQueueArn, maxReceiveCount: 5 });
    } finally {
      sqs.destroy();
      await second.stop();
    }
  });
});
