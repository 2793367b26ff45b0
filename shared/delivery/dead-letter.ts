import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { splitByCounts } from '../batching/split-by-counts.js';
import type { Failure } from '../diagnostics/failure-catalog.js';
import { packDeliveryMessages, type DeliveryGroup, type Finding } from '../queue/delivery-message.js';
import { sendMessages, type OutgoingMessage } from '../queue/sqs-sender.js';

/** One finding on its way to the DLQ, with why. */
export interface DeadLetter<Origin = unknown> {
  group: DeliveryGroup;
  finding: Finding;
  failure: Failure;
  attempts: number;
  /** Where the finding came from (the SQS record), so a failed DLQ send fails that record. */
  origin: Origin;
}

/** Reasons are kept short enough to read in a console (SQS attribute values are bounded by the message size too); the fix is always in the first sentences. */
const MAX_REASON_CHARS = 1024;

/**
 * The DLQ message attributes: the reason and the scope, so operators can list, filter and redrive
 * without reading bodies (which hold findings' contents). SQS allows at most 10 attributes; the
 * first failure of a redriven message travels in its body (`history`), its redrive count here.
 */
export function deadLetterAttributes(group: DeliveryGroup, failure: Failure, attempts: number, productArn: string, failedAt: string): Record<string, string> {
  return {
    ErrorCode: failure.code,
    ErrorMessage: failure.message.slice(0, MAX_REASON_CHARS),
    AwsAccountId: group.accountId,
    Region: group.region,
    ProductArn: productArn,
    PartnerId: group.partnerId,
    SubmissionId: group.submissionId,
    Attempts: String(attempts),
    FailedAt: failedAt,
    RedriveCount: String(group.history?.redrives ?? 0),
  };
}

/** A dead letter may hold a malformed finding (MalformedFinding): only a string ProductArn names one. */
function productArnOf(finding: Finding): string {
  return typeof finding.ProductArn === 'string' ? finding.ProductArn : '';
}

/**
 * Sends dead letters to the DLQ, grouped by destination and reason into as few messages as fit;
 * the body has the delivery queue's shape, so a redrive is a plain move. Returns the origins of
 * letters that could not be sent, so their records are retried instead of lost.
 */
export async function sendDeadLetters<Origin>(
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  letters: Array<DeadLetter<Origin>>,
  now: Date = new Date(),
): Promise<Set<Origin>> {
  const buckets = new Map<string, Array<DeadLetter<Origin>>>();
  for (const letter of letters) {
    const { group, failure, attempts } = letter;
    const key = JSON.stringify([group.submissionId, group.accountId, group.region, group.productKey, productArnOf(letter.finding), failure.code, failure.message, attempts, group.history ?? null]);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(letter);
    else buckets.set(key, [letter]);
  }
  const outgoing: OutgoingMessage[] = [];
  const lettersOfMessage: Array<Array<DeadLetter<Origin>>> = [];
  for (const bucket of buckets.values()) {
    const first = bucket[0]!;
    const attributes = deadLetterAttributes(first.group, first.failure, first.attempts, productArnOf(first.finding), now.toISOString());
    const messages = packDeliveryMessages(first.group, bucket.map((letter) => letter.finding));
    for (const message of messages) {
      // Each dead letter is a message group of its own: the DLQ is FIFO (its source queue is), and one
      // group per letter keeps an operator's walk through it from being held up by group ordering.
      const id = randomUUID();
      outgoing.push({ body: JSON.stringify(message), attributes, groupId: id, deduplicationId: id });
    }
    for (const letters of splitByCounts(bucket, messages.map((message) => message.findings.length))) lettersOfMessage.push(letters);
  }
  const { failed } = await sendMessages(sqs, deadLetterQueueUrl, outgoing);
  const unsent = new Set<Origin>();
  for (const { index } of failed) for (const letter of lettersOfMessage[index]!) unsent.add(letter.origin);
  return unsent;
}
