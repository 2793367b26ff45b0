import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  queueUrl: string;
  queueArn: string;
  region: string;
  /**
   * Records per invocation, as the event source mapping's BatchSize (at most 10 for a FIFO queue,
   * which has no batching window either: Lambda developer guide, "Lambda parameters for Amazon SQS
   * event source mappings").
   */
  batchSize: number;
  functionName: string;
  /** The function's timeout, in the context each invocation gets (the deployed one's). */
  timeoutMs: number;
  /**
   * The queue's visibility timeout. Deployed, it is 6x the function's timeout, so a message never
   * reappears while its invocation runs; local runs keep it short so retries come back in seconds,
   * and the poller keeps the messages of a running invocation hidden instead (ChangeMessageVisibility
   * every half timeout), which gives the same guarantee.
   */
  visibilityTimeoutSeconds: number;
}

/**
 * Feeds SQS batches to handlers as Lambda's event source mapping does: receive up to a batch,
 * invoke, delete the records that succeeded and leave `batchItemFailures` (or the whole batch when
 * the handler throws) to reappear after the visibility timeout, until the queue's redrive policy
 * moves them to the DLQ. Each handler is one container, polling and invoking on its own, so up to
 * `handlers.length` invocations run at once, as the mapping's maximum concurrency allows; the FIFO
 * queue gives each message group to one of them at a time.
 */
export class SqsPoller {
  private running = false;
  private loops: Array<Promise<void>> = [];
  private busy = 0;
  invocations = 0;

  constructor(
    private readonly sqs: SQSClient,
    private readonly handlers: SqsHandler[],
    private readonly options: SqsPollerOptions,
  ) {
    if (handlers.length === 0) throw new Error('SqsPoller: at least one handler (container)');
  }

  get concurrency(): number {
    return this.handlers.length;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.handlers.map((handler) => this.run(handler));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Resolves once the queue holds nothing visible or in flight and no invocation runs. */
  async waitForIdle(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.busy === 0 && (await this.queueDepth()) === 0 && this.busy === 0) return;
      await sleep(50);
    }
    throw new Error(`queue ${this.options.queueUrl} not idle after ${timeoutMs} ms`);
  }

  private async queueDepth(): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.options.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return Object.values(Attributes).reduce((sum, value) => sum + Number(value ?? 0), 0);
  }

  private async run(handler: SqsHandler): Promise<void> {
    while (this.running) {
      try {
        const batch = await this.receive(this.options.batchSize, 1);
        if (batch.length > 0) await this.invoke(handler, batch);
      } catch (error) {
        if (this.running) {
          process.stderr.write(`poller: ${(error as Error).message}\n`);
          await sleep(200);
        }
      }
    }
  }

  private async receive(max: number, waitTimeSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  private async invoke(handler: SqsHandler, messages: Message[]): Promise<void> {
    this.busy += 1;
    const keepHidden = this.options.visibilityTimeoutSeconds > 0
      ? setInterval(() => void this.hide(messages).catch(() => undefined), (this.options.visibilityTimeoutSeconds * 1000) / 2)
      : undefined;
    try {
      const event: SQSEvent = { Records: messages.map((message) => this.toRecord(message)) };
      let failed: Set<string>;
      try {
        this.invocations++;
        const response = await handler(event, lambdaContext(this.options.functionName, this.options.timeoutMs));
        failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch (error) {
        process.stderr.write(`poller: ${this.options.functionName} failed, whole batch left for retry: ${(error as Error).message}\n`);
        failed = new Set(messages.map((message) => message.MessageId!));
      } finally {
        clearInterval(keepHidden);
      }
      const done = messages.filter((message) => !failed.has(message.MessageId!));
      if (done.length > 0) {
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
          }),
        );
      }
    } finally {
      this.busy -= 1;
    }
  }

  private async hide(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      await this.sqs.send(new ChangeMessageVisibilityBatchCommand({
        QueueUrl: this.options.queueUrl,
        Entries: messages.slice(i, i + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: this.options.visibilityTimeoutSeconds })),
      }));
    }
  }

  private toRecord(message: Message): SQSRecord {
    return sqsRecordOf(message, this.options);
  }
}

/**
 * One received message as the event source mapping hands it to the function: the one definition of
 * the record shape, shared with the tests that feed the deliver handler directly.
 */
export function sqsRecordOf(message: Message, source: { queueArn: string; region: string }): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType ?? 'String', stringValue: value.StringValue, stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
}
