/**
 * The DLQ benchmark's baseline, run as a child process like the CLI: the plainest possible drain of a
 * queue (receive 10, delete 10, until empty) with the same SDK client. Usage: drain-queue.ts <endpoint> <queueUrl>.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const [endpoint, queueUrl] = process.argv.slice(2);
const sqs = new SQSClient({ region: 'us-east-1', endpoint, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
let drained = 0;
for (;;) {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  if (Messages.length === 0) break;
  await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  drained += Messages.length;
}
process.stdout.write(JSON.stringify({ drained }));
sqs.destroy();
