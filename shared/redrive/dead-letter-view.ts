import type { Message } from '@aws-sdk/client-sqs';
import { parseProductArn } from '../product/product-arn.js';
import { deliveryMessageSchema, type DeliveryMessage } from '../queue/delivery-message.js';

/**
 * What an operator sees of one DLQ message, without the findings' contents: where they were going,
 * why they could not, and their story so far.
 */
export interface DeadLetterView {
  messageId: string;
  findingIds: string[];
  findingCount: number;
  accountId: string;
  region: string;
  productArn: string;
  productKey: string;
  partnerId: string;
  submissionId: string;
  errorCode: string;
  errorMessage: string;
  /** How many times SQS had delivered it before it was dead-lettered. */
  attempts: number;
  /** The first failure (before any redrive) and the latest one. */
  firstFailedAt: string;
  lastFailedAt: string;
  firstErrorCode: string;
  redriveCount: number;
}

/**
 * Messages SQS itself moved to the DLQ (after maxReceiveCount without the broker's own last-attempt
 * handling, e.g. a function timeout) carry no attributes of ours: they are shown with this code.
 */
export const RETRIES_EXHAUSTED = 'RetriesExhausted';
/** A DLQ body that is not a delivery message at all (someone else wrote to the queue). */
export const UNREADABLE = 'Unreadable';

function attribute(message: Message, name: string): string | undefined {
  return message.MessageAttributes?.[name]?.StringValue;
}

/** The delivery message in a DLQ body, or undefined when it is not one. */
export function deliveryMessageOf(body: string | undefined): DeliveryMessage | undefined {
  try {
    const parsed = deliveryMessageSchema.safeParse(JSON.parse(body ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function viewOf(message: Message, delivery: DeliveryMessage | undefined = deliveryMessageOf(message.Body)): DeadLetterView {
  const sentAt = message.Attributes?.SentTimestamp ? new Date(Number(message.Attributes.SentTimestamp)).toISOString() : new Date(0).toISOString();
  const code = attribute(message, 'ErrorCode') ?? (delivery ? RETRIES_EXHAUSTED : UNREADABLE);
  const lastFailedAt = attribute(message, 'FailedAt') ?? sentAt;
  // Only strings count: a body written by something else may hold any JSON there (an object whose
  // String() throws, as `{"toString": 1}` does), and one such message must not stop a DLQ walk.
  const firstProductArn = delivery?.findings[0]?.ProductArn;
  const productArn = attribute(message, 'ProductArn') ?? (typeof firstProductArn === 'string' ? firstProductArn : '');
  const findingIds = (delivery?.findings ?? []).flatMap((finding) => (typeof finding.Id === 'string' && finding.Id !== '' ? [finding.Id] : []));
  return {
    messageId: message.MessageId ?? '',
    findingIds,
    findingCount: delivery?.findings.length ?? 0,
    accountId: attribute(message, 'AwsAccountId') ?? delivery?.accountId ?? '',
    region: attribute(message, 'Region') ?? delivery?.region ?? '',
    productArn,
    productKey: delivery?.productKey ?? parseProductArn(productArn)?.productKey ?? '',
    partnerId: attribute(message, 'PartnerId') ?? delivery?.partnerId ?? '',
    submissionId: attribute(message, 'SubmissionId') ?? delivery?.submissionId ?? '',
    errorCode: code,
    errorMessage: attribute(message, 'ErrorMessage')
      ?? (code === RETRIES_EXHAUSTED ? 'SQS moved it here after its last delivery attempt without a reason from the broker (e.g. the function timed out). Redrive it.' : 'Not a delivery message; purge it.'),
    attempts: Number(attribute(message, 'Attempts') ?? message.Attributes?.ApproximateReceiveCount ?? 0),
    firstFailedAt: delivery?.history?.firstFailedAt ?? lastFailedAt,
    lastFailedAt,
    firstErrorCode: delivery?.history?.firstErrorCode ?? code,
    redriveCount: delivery?.history?.redrives ?? Number(attribute(message, 'RedriveCount') ?? 0),
  };
}
