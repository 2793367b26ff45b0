/**
 * What the operator CLI makes of DLQ messages, fuzzed: every `dlq` command reads each received message
 * through deliveryMessageOf and viewOf (shared/redrive/dlq-receiver.ts) and filters the views with
 * matches (dlq-filter.ts). The messages are SQS Message objects as ReceiveMessage hands them over:
 * real dead letters as deliver writes them, near misses of them, and whatever else anyone allowed to
 * send to the queue could put there (bodies, message attributes). Attributes SQS itself sets
 * (SentTimestamp, ApproximateReceiveCount) stay what SQS sends: digits.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeFilter, matches, type DlqFilter } from '#shared/redrive/dlq-filter.js';
import { deliveryMessageOf, RETRIES_EXHAUSTED, UNREADABLE, viewOf, type DeadLetterView } from '#shared/redrive/dead-letter-view.js';
import { aFinding } from '../asff/finding-factory.js';
import { deadLetterOf } from '../../support/dead-letters.js';
import { anyJson, binaryString, memberChanges, mutateText, nastyString, nestedText, withChanges } from '../../support/fuzz-arbitraries.js';
import { FUZZ_RUNS, HEAP_GROWTH_BOUND, rssMeter } from '../../support/fuzz-kit.js';

const TITLE_CANARY = 'dlq-view-fuzz-title-canary-0b6e';
const DESCRIPTION_CANARY = 'dlq-view-fuzz-description-canary-8d21';
const PRODUCT_ARN = 'arn:aws:securityhub:us-east-1:111111111111:product/acme/scanner';
const ENVELOPE_KEYS = ['v', 'submissionId', 'partnerId', 'accountId', 'region', 'productKey', 'findings', 'history'];
const ATTRIBUTE_NAMES = ['ErrorCode', 'ErrorMessage', 'AwsAccountId', 'Region', 'ProductArn', 'PartnerId', 'SubmissionId', 'Attempts', 'FailedAt', 'RedriveCount'];
const ERROR_CODES = ['MalformedMessage', 'RegistrationNotFound', 'AssumeRoleDenied', 'InvalidInput', 'Throttled'];

/** A finding whose content (Title, Description) the view must never show. */
const finding = (id: string): Record<string, unknown> => aFinding({ Id: id, ProductArn: PRODUCT_ARN, AwsAccountId: '222222222222', Title: TITLE_CANARY, Description: DESCRIPTION_CANARY });
const findingChanges = memberChanges([...Object.keys(aFinding()), 'toString', 'valueOf']);

/** A dead letter exactly as deliver writes one (test/support/dead-letters.ts), with 1-3 findings that may be near misses. */
const realLetter = fc.record({
  accountId: fc.constantFrom('222222222222', '333333333333'),
  errorCode: fc.constantFrom(...ERROR_CODES),
  bare: fc.boolean(),
  redriven: fc.boolean(),
  findings: fc.array(fc.oneof(
    { weight: 4, arbitrary: fc.nat().map((n) => finding(`f-${n}`)) },
    { weight: 2, arbitrary: fc.tuple(fc.nat(), findingChanges).map(([n, changes]) => withChanges(finding(`f-${n}`), changes)) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, unknown>>({ Id: { toString: 1 } }, { Id: ['a', ['b']] }, { Id: 7, ProductArn: [{}, {}] }, { ProductArn: { valueOf: 'x' } }, { Id: '' }) },
  ), { minLength: 1, maxLength: 3 }),
}).map(({ accountId, errorCode, bare, redriven, findings }) => deadLetterOf({
  accountId, errorCode, bare, findingsOf: findings, failedAt: '2026-11-02T00:00:00.000Z',
  ...(redriven ? { history: { firstFailedAt: '2026-10-01T00:00:00Z', firstErrorCode: 'AssumeRoleDenied', firstErrorMessage: 'denied', redrives: 2 } } : {}),
}));

/** Bodies: real dead letters, near misses (envelope members changed, text broken), other JSON, text, deep nesting and long finding lists. */
const bodies: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: realLetter.map((letter) => letter.body) },
  { weight: 4, arbitrary: fc.tuple(realLetter, memberChanges(ENVELOPE_KEYS)).map(([letter, changes]) => JSON.stringify(withChanges(letter.message, changes))) },
  { weight: 3, arbitrary: mutateText(realLetter.map((letter) => letter.body)) },
  { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value) ?? '') },
  { weight: 1, arbitrary: binaryString(200) },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'null', '{}', nestedText(20_000), nestedText(5_000, '1', '{"a":', '}'),
    deadLetterOf({ accountId: '222222222222', errorCode: 'x', findingsOf: [{ Id: 'deep', ProductFields: JSON.parse(nestedText(3_000, '1', '{"a":', '}')) }] }).body,
    deadLetterOf({ accountId: '222222222222', errorCode: 'x', findings: 3_000 }).body,
    deadLetterOf({ accountId: '222222222222', errorCode: 'x', findingsOf: [{ Id: 'p', ProductArn: Array.from({ length: 2_000 }, () => ({})) }] }).body) },
);

/** Message attributes: deliver's (from the same letter) with values changed or dropped, DataTypes odd, names added. */
const messageAttributes: fc.Arbitrary<Record<string, MessageAttributeValue> | undefined> = fc.option(fc.tuple(
  realLetter,
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES, '__proto__', 'constructor'), nastyString),
    fc.option(fc.record({
      DataType: fc.constantFrom('String', 'Number', 'Binary', 'String.x', ''),
      // Never empty: SQS refuses an empty attribute value ("Name, type, value and the message body must not be empty").
      StringValue: fc.oneof(nastyString.filter((value) => value !== ''), fc.constantFrom('NaN', '-1', '1e308', '2026-13-45T99:99:99Z', 'x'.repeat(5_000))),
      BinaryValue: fc.uint8Array({ maxLength: 4 }),
    }, { requiredKeys: ['DataType'] }), { nil: undefined })), { maxLength: 4 }),
).map(([letter, changes]) => {
  const attributes: Record<string, MessageAttributeValue> = Object.fromEntries(Object.entries(letter.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
  for (const [name, value] of changes) {
    if (value === undefined) delete attributes[name];
    else Object.defineProperty(attributes, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return attributes;
}), { nil: undefined, freq: 8 });

/** The system attributes the CLI asks for, as SQS sets them (epoch milliseconds, a count), or absent. */
const systemAttributes: fc.Arbitrary<Record<string, string> | undefined> = fc.option(fc.record({
  SentTimestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }).map(String),
  ApproximateReceiveCount: fc.integer({ min: 1, max: 1_000 }).map(String),
}, { requiredKeys: [] }), { nil: undefined, freq: 6 });

const messages: fc.Arbitrary<Message> = fc.record({
  MessageId: fc.option(fc.oneof(fc.uuid(), nastyString), { nil: undefined, freq: 10 }),
  ReceiptHandle: fc.constant('receipt'),
  Body: bodies,
  Attributes: systemAttributes,
  MessageAttributes: messageAttributes,
}, { requiredKeys: ['ReceiptHandle'] });

/** Filters as the CLI builds them from flags, with values anyone could type. */
const filters: fc.Arbitrary<DlqFilter> = fc.record({
  accounts: fc.array(fc.oneof(fc.constantFrom('222222222222', ''), nastyString), { maxLength: 2 }),
  regions: fc.array(fc.oneof(fc.constant('us-east-1'), nastyString), { maxLength: 2 }),
  products: fc.array(fc.oneof(fc.constantFrom('acme/scanner', PRODUCT_ARN), nastyString), { maxLength: 2 }),
  partners: fc.array(nastyString, { maxLength: 2 }),
  errorCodes: fc.array(fc.oneof(fc.constantFrom(...ERROR_CODES, RETRIES_EXHAUSTED, UNREADABLE), nastyString), { maxLength: 2 }),
  olderThanMs: fc.oneof(fc.nat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER, Number.NaN)),
  submissions: fc.array(nastyString, { maxLength: 2 }),
  messageIds: fc.array(nastyString, { maxLength: 2 }),
  maxRedrives: fc.oneof(fc.nat(10), fc.constant(Number.NaN)),
}, { requiredKeys: [] });

const bytesOf = (message: Message): number => Buffer.byteLength(JSON.stringify(message));

/**
 * The view never grows faster than the message it shows. The worst it can do is String() of a value that
 * is not a string (a finding's Id or ProductArn): `[object Object],` for `{},` of the body, 16 characters
 * for 3, so the bound is 6 times the message, plus the fixed explanations.
 */
const viewBound = (message: Message): number => 4 * 1024 + 6 * bytesOf(message);

const STRING_FIELDS = ['messageId', 'accountId', 'region', 'productArn', 'productKey', 'partnerId', 'submissionId', 'errorCode', 'errorMessage', 'firstFailedAt', 'lastFailedAt', 'firstErrorCode'] as const;
const NUMBER_FIELDS = ['findingCount', 'attempts', 'redriveCount'] as const;

/** The per-message properties: a view of the declared shape with a reason for the operator, bounded, without finding content; or the error named. */
function checkView(message: Message, filter: DlqFilter, now: number): DeadLetterView {
  const delivery = deliveryMessageOf(message.Body);
  const view = viewOf(message, delivery);
  expect(viewOf(message)).toEqual(view);
  const text = JSON.stringify(view);
  const expectedCode = message.MessageAttributes?.ErrorCode?.StringValue ?? (delivery ? RETRIES_EXHAUSTED : UNREADABLE);
  // Checked plainly first: expect() on every one of 10,000 passing cases costs more than the view.
  const fine = STRING_FIELDS.every((field) => typeof view[field] === 'string') && NUMBER_FIELDS.every((field) => typeof view[field] === 'number')
    && Array.isArray(view.findingIds) && view.findingIds.every((id) => typeof id === 'string' && id !== '')
    && view.errorCode === expectedCode && view.errorMessage !== '' && view.findingCount === (delivery?.findings.length ?? 0)
    && Buffer.byteLength(text) <= viewBound(message) && !text.includes(TITLE_CANARY) && !text.includes(DESCRIPTION_CANARY);
  if (!fine) {
    const shown = `${JSON.stringify(message).slice(0, 600)} -> ${text.slice(0, 600)}`;
    for (const field of STRING_FIELDS) expect(typeof view[field], `${field} of ${shown}`).toBe('string');
    for (const field of NUMBER_FIELDS) expect(typeof view[field], `${field} of ${shown}`).toBe('number');
    expect(view.findingIds.filter((id) => typeof id !== 'string' || id === ''), shown).toEqual([]);
    expect(view.errorCode, shown).toBe(expectedCode);
    expect(view.errorMessage, shown).not.toBe('');
    expect(view.findingCount, shown).toBe(delivery?.findings.length ?? 0);
    expect(Buffer.byteLength(text), shown).toBeLessThanOrEqual(viewBound(message));
    expect(text, shown).not.toContain(TITLE_CANARY);
    expect(text, shown).not.toContain(DESCRIPTION_CANARY);
  }
  // The filter answers yes or no; the empty filter and a filter naming the view's own values take it.
  const matched = matches(filter, view, now);
  const own: DlqFilter = { accounts: [view.accountId], regions: [view.region], products: [view.productKey], partners: [view.partnerId],
    errorCodes: [view.errorCode], submissions: [view.submissionId], messageIds: [view.messageId] };
  if (typeof matched !== 'boolean' || !matches({}, view, now) || !matches(own, view, now)) {
    expect(typeof matched).toBe('boolean');
    expect(matches({}, view, now), text.slice(0, 600)).toBe(true);
    expect(matches(own, view, now), text.slice(0, 600)).toBe(true);
  }
  const described = describeFilter(filter);
  expect(Object.values(described).every((value) => value !== undefined && !(Array.isArray(value) && value.length === 0))).toBe(true);
  return view;
}

describe('the DLQ view and filter the operator CLI reads messages through, under fuzzing', () => {
  it(`views ${FUZZ_RUNS} fuzzed DLQ messages without throwing, each a bounded view with its reason and no finding content, and filters them`, () => {
    const heap = rssMeter();
    const codes = new Map<string, number>();
    fc.assert(fc.property(messages, filters, fc.integer({ min: 0, max: 4_102_444_800_000 }), (message, filter, now) => {
      const view = checkView(message, filter, now);
      codes.set(view.errorCode, (codes.get(view.errorCode) ?? 0) + 1);
    }), { numRuns: FUZZ_RUNS });
    expect(heap.heapGrowth()).toBeLessThan(HEAP_GROWTH_BOUND);
    // The generators reach every kind of message: deliver's reasons, SQS's own dead-lettering, and bodies that are no delivery message.
    for (const code of [RETRIES_EXHAUSTED, UNREADABLE, ...ERROR_CODES]) expect(codes.get(code) ?? 0, `${code} in ${JSON.stringify([...codes].slice(0, 20))}`).toBeGreaterThan(FUZZ_RUNS / 200);
  });
});
