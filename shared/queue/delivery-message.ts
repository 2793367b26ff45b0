import * as z from 'zod/mini';
import { shapeOf } from '../asff/json-shape.js';
import { packInOrder, type PackLimits } from '../batching/pack-in-order.js';
import { MAX_FINDING_DEPTH, MAX_FINDINGS_PER_IMPORT, MAX_SQS_MESSAGE_BYTES } from '../limits.js';
import { sqsJsonBytes, sqsSafeJson } from './sqs-characters.js';

/**
 * What travels on the delivery queue (and, unchanged in shape, in the DLQ, so a redrive is a move):
 * findings of one customer account, one Region and one product. The registration (mode, role,
 * ExternalId) is looked up again at delivery, so a suspended or changed registration takes effect
 * for findings already queued.
 */
export const deliveryMessageSchema = z.object({
  v: z.literal(1),
  submissionId: z.string().check(z.minLength(1)),
  partnerId: z.string().check(z.minLength(1)),
  accountId: z.string().check(z.regex(/^\d{12}$/)),
  region: z.string().check(z.minLength(1)),
  productKey: z.string().check(z.minLength(1)),
  // Each finding only has to be a JSON object here: a record schema would visit every member of every
  // finding on each receive (findingDefect checks what delivery relies on).
  findings: z.array(z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value))).check(z.minLength(1)),
  /**
   * The quota the import spends and the delivery queue's MessageGroupId (shared/delivery/quota-key.ts),
   * set at ingest from the registration's mode; absent on messages written before it existed.
   */
  quotaKey: z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/))),
  /** Set when the findings were first re-queued because their quota was spent (record-fate.ts). */
  deferredSince: z.optional(z.string()),
  /** Delivery attempts spent on transient failures (5xx, network) before the findings were re-queued (record-fate.ts). */
  attempts: z.optional(z.number().check(z.int(), z.minimum(0))),
  /** Set once the findings were dead-lettered and redriven: their first failure and how often they went back. */
  history: z.optional(z.object({
    firstFailedAt: z.string(),
    firstErrorCode: z.string(),
    firstErrorMessage: z.string(),
    redrives: z.number().check(z.int(), z.minimum(1)),
  })),
});

export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;
export type Finding = Record<string, unknown>;
export type DeliveryGroup = Omit<DeliveryMessage, 'v' | 'findings'>;
export type RedriveHistory = NonNullable<DeliveryMessage['history']>;

/** Room kept for the envelope and SQS message attributes within one message. */
const ENVELOPE_ALLOWANCE_BYTES = 4 * 1024;

/**
 * The delivery message in a queue body; throws when it is none. Ingest never queues a finding nested
 * deeper than MAX_FINDING_DEPTH, so a deeper one means the body was written by something else, and
 * it is refused here, before anything serialises it again: JSON.stringify recurses, and a finding
 * thousands of levels deep would throw from it and fail every record of the batch with it.
 */
export function parseDeliveryMessage(body: string): DeliveryMessage {
  const message = deliveryMessageSchema.parse(JSON.parse(body));
  // The findings array and each finding's own object are the first two levels.
  if (shapeOf(message.findings, MAX_FINDING_DEPTH + 1).depth > MAX_FINDING_DEPTH + 1) {
    throw new Error(`a finding nests more than ${MAX_FINDING_DEPTH} levels deep`);
  }
  return message;
}

/**
 * Why delivery cannot handle this finding, or undefined. Ingest validated it, but a message on the
 * queue may have been written by something else (a hand-made redrive, a tool): FailedFindings name
 * findings by Id, and chunks, dead letters and the operator's view group them by ProductArn, so a
 * finding without both as strings could be counted imported without being so.
 */
export function findingDefect(finding: Finding): string | undefined {
  if (typeof finding.Id !== 'string' || finding.Id === '') return 'it has no Id (a non-empty string)';
  if (typeof finding.ProductArn !== 'string' || finding.ProductArn === '') return 'it has no ProductArn (a non-empty string)';
  return undefined;
}

/**
 * A message holds at most MAX_FINDINGS_PER_IMPORT findings (so one message is one full import call,
 * and ten of them, a FIFO mapping's batch, are ten full calls) within the room SQS gives one message.
 */
const MESSAGE_LIMITS: PackLimits = { maxCount: MAX_FINDINGS_PER_IMPORT, maxBytes: MAX_SQS_MESSAGE_BYTES - ENVELOPE_ALLOWANCE_BYTES };

/**
 * Packs one group's findings into as few messages as SQS's size limit allows (packInOrder), in order,
 * measuring each finding as sendMessages writes it (characters SQS refuses escaped, sqs-characters.ts).
 * A finding (<= 240 KB, checked at ingest) fits a message of its own unless escaping more than
 * doubles it (e.g. tens of KB of emoji, 4 bytes each raw and 12 escaped); such a message fails to queue.
 */
export function packDeliveryMessages(group: DeliveryGroup, findings: Finding[]): DeliveryMessage[] {
  const runs = packInOrder(findings.map((finding) => sqsJsonBytes(JSON.stringify(finding)) + 1), MESSAGE_LIMITS);
  return runs.map(({ start, end }) => ({ v: 1, ...group, findings: findings.slice(start, end) }));
}

/**
 * The same packing for findings already serialised and made SQS-safe once (ingest: each finding is
 * turned into JSON once, for its size check, and reused here): the message bodies, each with how
 * many findings it holds, written by joining the findings' JSON into the envelope, the same text
 * JSON.stringify of a DeliveryMessage gives.
 */
export function packSerializedFindings(group: DeliveryGroup, safeJsons: string[]): Array<{ body: string; count: number }> {
  const envelope = sqsSafeJson(JSON.stringify({ v: 1, ...group, findings: [] }));
  const prefix = envelope.slice(0, -2);
  const runs = packInOrder(safeJsons.map((json) => Buffer.byteLength(json) + 1), MESSAGE_LIMITS);
  return runs.map(({ start, end }) => ({ body: `${prefix}${safeJsons.slice(start, end).join(',')}]}`, count: end - start }));
}

/** The bytes SQS counts for the envelope of a message of this group holding no finding yet (`{"v":1,...,"findings":[]}`). */
export function envelopeBytes(group: DeliveryGroup): number {
  return sqsJsonBytes(JSON.stringify({ v: 1, ...group, findings: [] }));
}

/**
 * The delivery queue's MessageGroupId for a message of this group: its quota key, or for a message
 * written without one, the finding's account and Region (the caller's in all but partner-account mode).
 */
export function messageGroupIdOf(group: DeliveryGroup): string {
  return group.quotaKey ?? `${group.accountId}/${group.region}`;
}

/** Message attributes that let operators and redrive filters see a message's scope without its body. */
export function groupAttributes(group: DeliveryGroup): Record<string, string> {
  return {
    AwsAccountId: group.accountId,
    Region: group.region,
    ProductKey: group.productKey,
    PartnerId: group.partnerId,
    SubmissionId: group.submissionId,
  };
}
