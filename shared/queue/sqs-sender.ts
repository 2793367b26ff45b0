import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { packInOrder } from '../batching/pack-in-order.js';
import { MAX_SQS_BATCH_BYTES, MAX_SQS_BATCH_ENTRIES } from '../limits.js';
import { errorMessage } from '../errors.js';
import { sqsAttributeValue, sqsSafeJson } from './sqs-characters.js';

export interface OutgoingMessage {
  /** JSON text (a delivery message); sent with the characters SQS refuses escaped (sqs-characters.ts). */
  body: string;
  /** The body is escaped already (ingest writes bodies from findings it made SQS-safe once): not scanned again. */
  sqsSafe?: boolean;
  attributes: Record<string, string>;
  /**
   * Both queues are FIFO: every message names its group ("MessageGroupId ... required for FIFO
   * queues") and a deduplication id (required unless content-based deduplication is on), botocore
   * sqs/2012-11-05/service-2.json, SendMessageBatchRequestEntry. The id stays the same across this
   * sender's re-sends, so a send SQS took but answered as failed is not queued twice.
   */
  groupId?: string;
  deduplicationId?: string;
}

export interface SendOutcome {
  /** Indexes (into the input) of messages SQS did not take after retries. */
  failed: Array<{ index: number; reason: string }>;
}

/**
 * Re-sends of entries SQS failed wait with exponential backoff and full jitter: before re-send n,
 * a random delay in [0, min(capMs, baseMs * 2^n)) ("Exponential Backoff And Jitter", AWS
 * Architecture Blog, https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/; the
 * AWS SDKs retry alike, https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * Assumption (the broker's choice): 3 attempts, 100 ms base, 1 s cap; at most 600 ms of waiting in
 * all, because ingest answers the partner synchronously and the SDK has already retried whole-call
 * failures with its own backoff.
 */
export const SEND_BACKOFF = (() => {
  const attempts = 3;
  const baseMs = 100;
  const capMs = 1000;
  let maxTotalMs = 0;
  for (let retry = 1; retry < attempts; retry++) maxTotalMs += Math.min(capMs, baseMs * 2 ** retry);
  return { attempts, baseMs, capMs, maxTotalMs } as const;
})();

export interface SendOptions {
  /** Waits between attempts (tests observe it); default a real timer. */
  sleep?: (ms: number) => Promise<unknown>;
  /** A number in [0, 1) for the jitter; default Math.random. */
  random?: () => number;
}

/** The full-jitter delay before re-send `retry` (1 = the first re-send). */
function backoffMs(retry: number, random: () => number): number {
  return Math.floor(random() * Math.min(SEND_BACKOFF.capMs, SEND_BACKOFF.baseMs * 2 ** retry));
}

/** The attributes as sent: values SQS would refuse made safe, empty ones left out (sqsAttributeValue). */
function sqsAttributes(attributes: Record<string, string>): Array<[string, string]> {
  return Object.entries(attributes).flatMap(([name, value]) => {
    const safe = sqsAttributeValue(value);
    return safe === undefined ? [] : [[name, safe] as [string, string]];
  });
}

function attributesSize(attributes: Record<string, string>): number {
  return sqsAttributes(attributes).reduce((sum, [k, v]) => sum + k.length + Buffer.byteLength(v) + 'String'.length, 0);
}

/** Each message's body as sent: made SQS-safe, unless it already is. */
function safeBodies(messages: OutgoingMessage[]): string[] {
  return messages.map((message) => (message.sqsSafe ? message.body : sqsSafeJson(message.body)));
}

/** Splits messages into SendMessageBatch calls within SQS's 10-entry and 256 KiB-per-call limits: each call's message indexes. */
export function batchesOf(messages: OutgoingMessage[], bodies: string[] = safeBodies(messages)): number[][] {
  const sizes = messages.map((message, index) => Buffer.byteLength(bodies[index]!) + attributesSize(message.attributes));
  return packInOrder(sizes, { maxCount: MAX_SQS_BATCH_ENTRIES, maxBytes: MAX_SQS_BATCH_BYTES })
    .map(({ start, end }) => Array.from({ length: end - start }, (_, offset) => start + offset));
}

/**
 * Sends messages with SendMessageBatch, retrying entries SQS reports as failed (the SDK already
 * retries whole-call throttling and 5xx). Reports what still failed so callers never claim
 * "accepted" for a finding that is not on a queue.
 */
export async function sendMessages(sqs: SQSClient, queueUrl: string, messages: OutgoingMessage[], options: SendOptions = {}): Promise<SendOutcome> {
  const { sleep: wait = sleep, random = Math.random } = options;
  const failed: SendOutcome['failed'] = [];
  // The one place bodies are written for SQS: escaped once here, and measured escaped (batchesOf, packDeliveryMessages).
  const bodies = safeBodies(messages);
  for (const batch of batchesOf(messages, bodies)) {
    let pending = batch;
    let lastReasons = new Map<number, string>();
    for (let attempt = 1; attempt <= SEND_BACKOFF.attempts && pending.length > 0; attempt++) {
      if (attempt > 1) await wait(backoffMs(attempt - 1, random));
      try {
        const reply = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map((index) => ({
              Id: String(index),
              MessageBody: bodies[index]!,
              ...(messages[index]!.groupId ? { MessageGroupId: messages[index]!.groupId } : {}),
              ...(messages[index]!.deduplicationId ? { MessageDeduplicationId: messages[index]!.deduplicationId } : {}),
              MessageAttributes: Object.fromEntries(
                sqsAttributes(messages[index]!.attributes).map(([name, value]) => [
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
