import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { startNpm, stopGroup } from '../support/npm-start.js';
import { startQueues } from '#infra/local/queues.js';
import { groupAttributes, messageGroupIdOf, packDeliveryMessages } from '#shared/queue/delivery-message.js';
import { aFinding } from '../shared/asff/finding-factory.js';

interface State {
  region: string;
  emulatorUrl: string;
  endpoints: { sqs: string };
  deadLetterQueueUrl: string;
  partner: { partnerId: string; productArns: string[] };
  customer: { accountIds: string[]; credentials: { accessKeyId: string; secretAccessKey: string } };
}

let folder: string;
let child: ChildProcess | undefined;
afterAll(async () => {
  if (child) await stopGroup(child);
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** `npm start` on the test's data dir, on free ports; resolves with the state it writes once it is ready. */
async function npmStart(): Promise<State> {
  const stateFile = join(folder, '.local', 'stack.json');
  await rm(stateFile, { force: true });
  const started = await startNpm<State>(stateFile, ['--data-dir', join(folder, 'data')]);
  child = started.child;
  return started.state;
}

const stop = (): Promise<void> => stopGroup(child!);

describe('npm start after a restart on the same data dir', () => {
  it('delivers findings queued before the restart to the demo customer instead of dead-lettering them', async () => {
    folder = await mkdtemp(join(tmpdir(), 'broker-restart-'));
    const first = await npmStart();
    await stop();
    const [account] = first.customer.accountIds;
    const [productArn] = first.partner.productArns;

    // A finding accepted before the restart, still on the delivery queue when the broker comes back.
    const queues = await startQueues({ port: 0, region: first.region, dataDir: join(folder, 'data', 'sqs'), visibilityTimeoutSeconds: 2, maxReceiveCount: 3 });
    const sqs = new SQSClient({ region: first.region, endpoint: queues.ipEndpoint, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const group = { submissionId: 'before-restart', partnerId: first.partner.partnerId, accountId: account!, region: first.region, productKey: productArn!.split(':product/')[1]! };
    const [message] = packDeliveryMessages(group, [aFinding({ Id: 'queued-before-restart', ProductArn: productArn, AwsAccountId: account })]);
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.deliveryQueueUrl, MessageBody: JSON.stringify(message),
      MessageGroupId: messageGroupIdOf(group), MessageDeduplicationId: 'before-the-restart',
      MessageAttributes: Object.fromEntries(Object.entries(groupAttributes(group)).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])) }));
    sqs.destroy();
    await queues.stop();

    const second = await npmStart();
    const securityHub = new SecurityHubClient({ endpoint: second.emulatorUrl, region: second.region, credentials: second.customer.credentials });
    let found = 0;
    for (let attempt = 0; attempt < 75 && found === 0; attempt++) {
      found = (await securityHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: 'queued-before-restart', Comparison: 'EQUALS' }] } }))).Findings?.length ?? 0;
      if (found === 0) await sleep(200);
    }
    securityHub.destroy();
    expect(found).toBe(1);
    const dlq = new SQSClient({ region: second.region, endpoint: second.endpoints.sqs, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const { Messages = [] } = await dlq.send(new ReceiveMessageCommand({ QueueUrl: second.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    dlq.destroy();
    expect(Messages).toEqual([]);
    await stop();
  }, 120_000);
});
