import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterAttributes } from '#shared/delivery/dead-letter.js';
import type { DeliveryGroup, DeliveryMessage } from '#shared/queue/delivery-message.js';

export interface SeedLetter {
  accountId: string;
  errorCode: string;
  findings?: number;
  partnerId?: string;
  submissionId?: string;
  region?: string;
  productArn?: string;
  failedAt?: string;
  /** No attributes at all: what SQS writes when it dead-letters by itself. */
  bare?: boolean;
  history?: DeliveryMessage['history'];
  idPrefix?: string;
  /** Real findings to carry (default: stubs with only Id, ProductArn and AwsAccountId). */
  findingsOf?: Array<Record<string, unknown>>;
}

let seeded = 0;

/** A dead letter exactly as deliver writes one (body and attributes), for tests that start from a full DLQ. */
export function deadLetterOf(letter: SeedLetter): { body: string; attributes: Record<string, string>; message: DeliveryMessage } {
  const productArn = letter.productArn ?? 'arn:aws:securityhub:us-east-1:111111111111:product/acme/scanner';
  const group: DeliveryGroup = {
    submissionId: letter.submissionId ?? 'sub-1', partnerId: letter.partnerId ?? 'acme', accountId: letter.accountId,
    region: letter.region ?? 'us-east-1', productKey: productArn.split(':product/')[1] ?? 'acme/scanner',
    ...(letter.history ? { history: letter.history } : {}),
  };
  const prefix = letter.idPrefix ?? `seed-${++seeded}`;
  const message: DeliveryMessage = {
    v: 1, ...group,
    findings: letter.findingsOf ?? Array.from({ length: letter.findings ?? 1 }, (_, i) => ({ Id: `${prefix}-${i}`, ProductArn: productArn, AwsAccountId: letter.accountId })),
  };
  const attributes = letter.bare ? {} : deadLetterAttributes(group, { kind: 'permanent', code: letter.errorCode, message: `${letter.errorCode}: fix it` }, 3, productArn, letter.failedAt ?? new Date().toISOString());
  return { body: JSON.stringify(message), attributes, message };
}

export async function seedDeadLetters(sqs: SQSClient, queueUrl: string, letters: SeedLetter[]): Promise<void> {
  for (let i = 0; i < letters.length; i += 10) {
    await sqs.send(new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: letters.slice(i, i + 10).map((letter, index) => {
        const { body, attributes } = deadLetterOf(letter);
        // As deliver writes them: a FIFO message group of its own per dead letter (shared/delivery/dead-letter.ts).
        const id = randomUUID();
        return {
          Id: String(index), MessageBody: body, MessageGroupId: id, MessageDeduplicationId: id,
          MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
        };
      }),
    }));
  }
}
