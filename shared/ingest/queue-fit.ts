import type { FindingIssue } from '../asff/validate.js';
import { MAX_SQS_MESSAGE_BYTES } from '../limits.js';
import { envelopeBytes, groupAttributes, type DeliveryGroup } from '../queue/delivery-message.js';

/**
 * The bytes SQS counts for a delivery message holding this one finding, given as its SQS-safe JSON
 * (characters SQS refuses escaped, shared/queue/sqs-characters.ts): the envelope, the finding, and
 * the attributes (name, type and value each count against the message size).
 */
export function singleFindingMessageBytes(group: DeliveryGroup, safeJson: string): number {
  const attributes = Object.entries(groupAttributes(group)).reduce((sum, [name, value]) => sum + name.length + 'String'.length + Buffer.byteLength(value), 0);
  return envelopeBytes(group) + Buffer.byteLength(safeJson) + attributes;
}

/**
 * A finding within Security Hub's 240 KB can still be too big for one SQS message once escaped: every
 * character outside the Basic Multilingual Plane (emoji) takes 4 bytes raw and 12 as its `\uXXXX\uXXXX`
 * escape, U+FFFE and U+FFFF 3 and 6. Such a finding could never be queued (alone, it fills a message of
 * its own), so it is refused at ingest with its own reason instead of failing every time with a 503.
 */
export function queueFitIssue(group: DeliveryGroup, safeJson: string, index: number): FindingIssue | undefined {
  const bytes = singleFindingMessageBytes(group, safeJson);
  if (bytes <= MAX_SQS_MESSAGE_BYTES) return undefined;
  return {
    path: `Findings[${index}]`,
    rule: 'maxQueuedBytes',
    message: `Findings[${index}]: the finding takes ${bytes} bytes on the delivery queue, whose messages hold at most ${MAX_SQS_MESSAGE_BYTES}: `
      + 'emoji and other characters outside the Basic Multilingual Plane take 12 bytes each there (U+FFFE and U+FFFF 6). Shorten the fields that hold them.',
  };
}
