import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { nastyString } from './fuzz-arbitraries.js';

/** Received SQS messages for the fuzzers of what reads a queue: a body, SQS's system attributes and any message attributes. */
/** The system attributes SQS adds, mostly as SQS writes them, sometimes not. */
const systemAttributes: fc.Arbitrary<Record<string, string>> = fc.record({
  ApproximateReceiveCount: fc.oneof(
    { weight: 12, arbitrary: fc.constant('1') },
    { weight: 3, arbitrary: fc.constantFrom('2', '3', '4', '100') },
    { weight: 2, arbitrary: fc.constantFrom('0', '-1', '1.5', 'abc', '', '1e3', 'NaN', ' 2 ', '9007199254740993', 'Infinity') },
    { weight: 1, arbitrary: nastyString },
  ),
  SentTimestamp: fc.oneof({ weight: 4, arbitrary: fc.constant('1767225600000') }, { weight: 1, arbitrary: nastyString }),
  ApproximateFirstReceiveTimestamp: fc.oneof(fc.constant('1767225600001'), nastyString),
  SenderId: fc.oneof(fc.constant('AIDAEXAMPLE'), nastyString),
  MessageGroupId: nastyString,
}, { requiredKeys: [] });

/** Numbers as SQS's Number attributes carry them, and what a sender may put there instead. */
const numberText: fc.Arbitrary<string> = fc.oneof(fc.integer().map(String), fc.constantFrom('1e999', '-0', 'NaN', ''));

/** Message attributes as any sender may set them: the handler must not care. */
const messageAttributes: fc.Arbitrary<Record<string, MessageAttributeValue>> = fc.dictionary(
  fc.oneof(nastyString, fc.constantFrom('ErrorCode', 'AwsAccountId', 'Attempts', '__proto__', 'constructor')),
  fc.record({
    DataType: fc.constantFrom('String', 'Number', 'Binary', 'String.custom', '', '\u0000'),
    StringValue: fc.oneof(nastyString, numberText),
    BinaryValue: fc.uint8Array({ maxLength: 8 }),
  }, { requiredKeys: ['DataType'] }),
  { maxKeys: 3 },
);

export interface FuzzMessage {
  body: string | undefined;
  attributes: Record<string, string>;
  messageAttributes: Record<string, MessageAttributeValue>;
}

export const sqsMessage = (body: fc.Arbitrary<string>): fc.Arbitrary<FuzzMessage> => fc.record({
  // SQS never delivers a message without a body; the poller turns a missing one into ''.
  body: fc.oneof({ weight: 30, arbitrary: body }, { weight: 1, arbitrary: fc.constant(undefined) }),
  attributes: systemAttributes,
  messageAttributes,
});
