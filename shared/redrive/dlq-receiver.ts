import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
  type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import { MAX_SQS_BATCH_ENTRIES } from '../limits.js';
import { deliveryMessageOf, viewOf, type DeadLetterView } from './dead-letter-view.js';
import type { DeliveryMessage } from '../queue/delivery-message.js';

export interface DlqQueues {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  deliveryQueueUrl: string;
}

export interface ReceiveOptions {
  /**
   * How long received messages stay hidden while the scan runs. Held messages are made visible again
   * as soon as the scan ends; this only bounds how long they stay hidden if the scan dies (SIGKILL).
   */
  visibilityTimeoutSeconds?: number;
  /** Stop after this many messages. */
  maxMessages?: number;
  /** Stop receiving after this long (self-healing inside an API call); what was not reached stays. */
  timeBudgetMs?: number;
  signal?: AbortSignal;
}

export interface ReceivedDeadLetter {
  message: Message;
  delivery: DeliveryMessage | undefined;
  view: DeadLetterView;
}

export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 60;
/** A long poll of one second asks every SQS server, so an empty answer means nothing visible is left. */
const WAIT_SECONDS = 1;

/** ApproximateNumberOfMessages: the total a progress bar counts towards (SQS's own estimate). */
export async function approximateCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

/**
 * Walks the DLQ once, streaming: each batch is received with a visibility timeout, so it is hidden
 * from the next receive and from any other scan, and handed to the caller, who deletes what it
 * consumed and `hold`s the rest. Held messages stay hidden until the walk ends (otherwise the next
 * receive would hand them back and the walk would never end), then `release` makes them visible at
 * once. Memory holds message ids and receipt handles, never the bodies already handled.
 */
export class DeadLetterWalk {
  private readonly seen = new Set<string>();
  private readonly held = new Map<string, string>();
  private stopped = false;
  /** Why the walk ended: it saw everything visible, or a limit, the time budget or an abort cut it short. */
  endedBy: 'queue-walked' | 'max-messages' | 'time-budget' | 'aborted' | undefined;

  constructor(private readonly queues: DlqQueues, private readonly options: ReceiveOptions = {}) {}

  async *batches(): AsyncGenerator<ReceivedDeadLetter[]> {
    const started = Date.now();
    // Messages that reach the DLQ while the walk runs are not part of it: a redrive whose destination
    // still refuses would otherwise meet its own messages again, dead-lettered anew, and loop forever.
    // They are held like the rest and visible again when the walk ends.
    // Strictly later: a message sent in the walk's first millisecond (SentTimestamp has millisecond
    // resolution) was there when it began; nothing of the walk's own can have been dead-lettered by then.
    const arrivedLate = (message: Message) => Number(message.Attributes?.SentTimestamp ?? 0) > started;
    const { sqs, deadLetterQueueUrl } = this.queues;
    let idle = 0;
    while (!this.stopped) {
      if (this.options.signal?.aborted) return void (this.endedBy = 'aborted');
      if (this.options.maxMessages !== undefined && this.seen.size >= this.options.maxMessages) return void (this.endedBy = 'max-messages');
      if (this.options.timeBudgetMs !== undefined && Date.now() - started >= this.options.timeBudgetMs) return void (this.endedBy = 'time-budget');
      const wanted = Math.min(MAX_SQS_BATCH_ENTRIES, (this.options.maxMessages ?? Infinity) - this.seen.size);
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl, MaxNumberOfMessages: wanted, WaitTimeSeconds: WAIT_SECONDS,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
        MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      }));
      // A message seen before came back (the walk outlived its visibility timeout): hold it again, once.
      const fresh: ReceivedDeadLetter[] = [];
      for (const message of Messages) {
        if (!message.MessageId || !message.ReceiptHandle) continue;
        if (this.seen.has(message.MessageId) || arrivedLate(message)) {
          this.seen.add(message.MessageId);
          this.held.set(message.MessageId, message.ReceiptHandle);
          continue;
        }
        this.seen.add(message.MessageId);
        const delivery = deliveryMessageOf(message.Body);
        fresh.push({ message, delivery, view: viewOf(message, delivery) });
      }
      if (fresh.length === 0) {
        // Empty, or only messages seen before: two such answers in a row mean the walk has been everywhere.
        if (Messages.length === 0 || ++idle >= 2) return void (this.endedBy = 'queue-walked');
        continue;
      }
      idle = 0;
      yield fresh;
    }
  }

  /** Keeps a message for the end of the walk, when `release` makes it visible again. */
  hold(message: Message): void {
    this.held.set(message.MessageId!, message.ReceiptHandle!);
  }

  /** Deletes consumed messages; returns the ids SQS did not delete (they stay held, never lost). */
  async delete(messages: Message[]): Promise<Set<string>> {
    const failed = new Set<string>();
    for (let i = 0; i < messages.length; i += MAX_SQS_BATCH_ENTRIES) {
      const batch = messages.slice(i, i + MAX_SQS_BATCH_ENTRIES);
      const reply = await this.queues.sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: this.queues.deadLetterQueueUrl,
        Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }));
      for (const entry of reply.Failed ?? []) {
        const message = batch[Number(entry.Id)]!;
        failed.add(message.MessageId!);
        this.hold(message);
      }
    }
    return failed;
  }

  /** Makes every held message visible again at once. Safe to call twice (e.g. from a signal handler). */
  async release(): Promise<void> {
    this.stopped = true;
    const handles = [...this.held.values()];
    this.held.clear();
    for (let i = 0; i < handles.length; i += MAX_SQS_BATCH_ENTRIES) {
      // A handle that went stale (its timeout passed and another receive took it) fails alone: harmless.
      await this.queues.sqs.send(new ChangeMessageVisibilityBatchCommand({
        QueueUrl: this.queues.deadLetterQueueUrl,
        Entries: handles.slice(i, i + MAX_SQS_BATCH_ENTRIES).map((handle, index) => ({ Id: String(index), ReceiptHandle: handle, VisibilityTimeout: 0 })),
      })).catch(() => undefined);
    }
  }
}
