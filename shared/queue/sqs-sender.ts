import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { MAX_SQS_BATCH_BYTES, MAX_SQS_BATCH_ENTRIES } from '../limits.js';
import { errorMessage } from '../errors.js';

export interface OutgoingMessage {
  body: string;
  attributes: Record<string, string>;
}

export interface SendOutcome {
  /** Indexes (into the input) of messages SQS did not take after retries. */
  failed: Array<{ index: number; reason: string }>;
}

const SEND_ATTEMPTS = 3;

function attributesSize(attributes: Record<string, string>): number {
  return Object.entries(attributes).reduce((sum, [k, v]) => sum + k.length + Buffer.byteLength(v) + 'String'.length, 0);
}

/** Splits messages into SendMessageBatch calls within SQS's 10-entry and 256 KiB-per-call limits. */
export function batchesOf(messages: OutgoingMessage[]): number[][] {
  const batches: number[][] = [];
  let batch: number[] = [];
  let bytes = 0;
  messages.forEach((message, index) => {
    const size = Buffer.byteLength(message.body) + attributesSize(message.attributes);
    if (batch.length > 0 && (batch.length === MAX_SQS_BATCH_ENTRIES || bytes + size > MAX_SQS_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(index);
    bytes += size;
  });
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Sends messages with SendMessageBatch, retrying entries SQS reports as failed (the SDK already
 * retries whole-call throttling and 5xx). Reports what still failed so callers never claim
 * "accepted" for a finding that is not on a queue.
 */
export async function sendMessages(sqs: SQSClient, queueUrl: string, messages: OutgoingMessage[]): Promise<SendOutcome> {
  const failed: SendOutcome['failed'] = [];
  for (const batch of batchesOf(messages)) {
    let pending = batch;
    let lastReasons = new Map<number, string>();
    for (let attempt = 1; attempt <= SEND_ATTEMPTS && pending.length > 0; attempt++) {
      try {
        const reply = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map((index) => ({
              Id: String(index),
              MessageBody: messages[index]!.body,
              MessageAttributes: Object.fromEntries(
                Object.entries(messages[index]!.attributes).map(([name, value]) => [
                  name,
                  { DataType: 'String', StringValue: value },
                ]),
              ),
            })),
          }),
        );
        lastReasons = new Map((reply.Failed ?? []).map((entry) => [Number(entry.Id), `${entry.Code}: ${entry.Message ?? ''}`]));
        pending = pending.filter((index) => lastReasons.has(index));
      } catch (error) {
        lastReasons = new Map(pending.map((index) => [index, errorMessage(error)]));
      }
    }
    for (const index of pending) failed.push({ index, reason: lastReasons.get(index) ?? 'unknown' });
  }
  return { failed };
}
