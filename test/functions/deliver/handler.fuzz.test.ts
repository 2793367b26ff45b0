/**
 * The deliver function (the operator side's SQS input) fuzzed in-process: the real deliver handler gets
 * SQS events of 1-10 records built exactly as the local poller builds them (infra/local/sqs-poller.ts,
 * sqsRecordOf) from received messages with fuzzed bodies, system attributes and message attributes,
 * against the real dynalite, fauxqs and STS/Security Hub emulator. Most records are malformed or
 * undeliverable (cheap to judge: a registry lookup at most, then the DLQ); a steady share carries
 * findings for ACTIVE customers, so those cases assume the customer's role and import for real.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PurgeQueueCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '#infra/local/lambda-context.js';
import { sqsRecordOf } from '#infra/local/sqs-poller.js';
import { LOCAL_BROKER, type LocalStack } from '#infra/local/stack.js';
import { MAX_SQS_MESSAGE_BYTES } from '#shared/limits.js';
import { parseDeliveryMessage, type DeliveryMessage } from '#shared/queue/delivery-message.js';
import { sqsJsonBytes } from '#shared/queue/sqs-characters.js';
import { aFinding, aResource } from '../../shared/asff/finding-factory.js';
import { anyJson, binaryString, memberChanges, mutateText, nastyString, nestedText, withChanges } from '../../support/fuzz-arbitraries.js';
import { CanaryScanner, FUZZ_RUNS, HEAP_GROWTH_BOUND, RSS_GROWTH_BOUND, fuzzRuns, observeHandlers, rssMeter, type Observed } from '../../support/fuzz-kit.js';
import { addCustomer, addPartner, startBroker, type TestPartner } from '../../support/local-broker.js';
import { sqsMessage as message, type FuzzMessage } from '../../support/fuzz-sqs-messages.js';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** ACTIVE customers: four, so the handler's import pacer (10/s, burst 30 per account) seldom has to wait. */
const ACTIVE = ['525252520001', '525252520002', '525252520003', '525252520004'];
const SUSPENDED = '525252520005';
const OFFBOARDED = '525252520006';
const PENDING = '525252520007';
/** Its role trusts another ExternalId: AssumeRole is denied (retried on a first receive, dead-lettered after). */
const UNTRUSTED = '525252520008';
/** Security Hub is off in its account: imports come back InvalidAccess. */
const HUB_OFF = '525252520009';
/** Never registered. */
const UNKNOWN = '525252520010';
const TITLE_CANARY = 'deliver-fuzz-title-canary-7f3a';
const DESCRIPTION_CANARY = 'deliver-fuzz-description-canary-c41d';
const ENVELOPE_KEYS = ['v', 'submissionId', 'partnerId', 'accountId', 'region', 'productKey', 'findings', 'history'];
/** One in this many runs is reconciled against the DLQ and the emulator (the check that reads queues). */
const RECONCILE_EVERY = 20;

let stack: LocalStack;
let partner: TestPartner;
let deliver: Handler;
const scanner = new CanaryScanner();
let observed: Observed;

beforeAll(async () => {
  // DEBUG: the most the handler ever logs. The poller stays off: the handler is called here directly.
  stack = await startBroker({ logLevel: 'DEBUG', startPoller: false });
  partner = await addPartner(stack, 'deliverfuzz');
  const externalIds: string[] = [];
  for (const accountId of ACTIVE) externalIds.push((await addCustomer(stack, partner, { accountId })).externalId!);
  for (const [accountId, setup] of [[SUSPENDED, { status: 'SUSPENDED' }], [OFFBOARDED, { status: 'OFFBOARDED' }], [PENDING, { status: 'PENDING' }],
    [UNTRUSTED, { trust: 'wrong-external-id' }], [HUB_OFF, { hubEnabled: false }]] as const) {
    externalIds.push((await addCustomer(stack, partner, { accountId, ...setup })).externalId!);
  }
  // Every session the emulator's STS hands out (to deliver, for the customers' roles) is a canary as soon as it exists.
  const sts = stack.emulator.state.credentials;
  const issueSession = sts.issueSession.bind(sts);
  sts.issueSession = (input) => {
    const session = issueSession(input);
    scanner.plant(session.secretAccessKey, session.sessionToken);
    return session;
  };
  // A deliver container of the stack's own configuration (functions/deliver/create-handler.ts).
  deliver = stack.handlers.newDeliverContainer() as unknown as Handler;
  scanner.plant(TITLE_CANARY, DESCRIPTION_CANARY, ...externalIds, LOCAL_BROKER.secretAccessKey, LOCAL_BROKER.verifierSecretAccessKey);
  observed = await observeHandlers(scanner);
}, 60_000);
afterAll(async () => {
  observed?.output.stop();
  await stack?.stop();
});

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 12, maxLength: 12 });

/** A finding the account's hub accepts, its content marked with the canaries. */
const goodFinding = (accountId: string, id: string): Record<string, unknown> => aFinding({
  Id: `deliver-fuzz/${id}`, ProductArn: partner.productArn, AwsAccountId: accountId, Title: TITLE_CANARY, Description: `${DESCRIPTION_CANARY} ${id}`,
  Resources: [aResource({ Id: `arn:aws:ec2:us-east-1:${accountId}:instance/i-0${id}` })],
});

/** A delivery message as ingest queues it. */
const envelope = (accountId: string, findings: unknown[], submissionId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  v: 1, submissionId: `sub-${submissionId}`, partnerId: partner.partnerId, accountId, region: stack.region, productKey: partner.productKey, findings, ...overrides,
});

const findingChanges = memberChanges([...Object.keys(aFinding()), 'ProductFields', 'Note', 'toString', 'valueOf']);

/** Findings for this account: valid ones, near misses (members removed or changed), odd text in the canary title, and any JSON at all. */
const findingsFor = (accountId: string): fc.Arbitrary<unknown[]> => fc.array(fc.oneof(
  { weight: 4, arbitrary: hex.map((id) => goodFinding(accountId, id)) },
  { weight: 2, arbitrary: fc.tuple(hex, findingChanges).map(([id, changes]) => withChanges(goodFinding(accountId, id), changes)) },
  { weight: 1, arbitrary: fc.tuple(hex, nastyString).map(([id, text]) => ({ ...goodFinding(accountId, id), Title: `${TITLE_CANARY}${text}\u0000\uFFFE\uFFFF\uD800\u{1F600}` })) },
  { weight: 1, arbitrary: anyJson },
), { minLength: 1, maxLength: 3 });

/** Bodies that reach Security Hub (an ACTIVE customer's findings) or STS (the untrusted customer): the costly share. */
const costlyBody = (): fc.Arbitrary<string> => fc.oneof(
  fc.tuple(fc.constantFrom(...ACTIVE), hex).chain(([accountId, sub]) => findingsFor(accountId).map((findings) => JSON.stringify(envelope(accountId, findings, sub)))),
  fc.tuple(fc.constantFrom(UNTRUSTED, HUB_OFF), hex).map(([accountId, sub]) => JSON.stringify(envelope(accountId, [goodFinding(accountId, sub)], sub))),
);

/** Valid delivery messages the registry turns away: unknown, suspended, offboarded or pending customers, another partner, product or Region. */
const undeliverable = (): fc.Arbitrary<Record<string, unknown>> => fc.tuple(hex, fc.constantFrom<Array<[string, Record<string, unknown>]>>(
  [UNKNOWN, {}], [SUSPENDED, {}], [OFFBOARDED, {}], [PENDING, {}], [ACTIVE[0]!, { partnerId: 'someone-else' }],
  [ACTIVE[1]!, { productKey: 'deliverfuzz/other' }], [ACTIVE[2]!, { region: 'eu-west-3' }],
  [ACTIVE[3]!, { history: { firstFailedAt: '2026-01-01T00:00:00Z', firstErrorCode: 'x', firstErrorMessage: 'y', redrives: 1 }, region: 'ap-south-2' }],
)).map(([sub, [accountId, overrides]]) => envelope(accountId, [goodFinding(accountId, sub)], sub, overrides));

/** Bodies that cost a registry lookup at most: malformed in every way, or valid but for nobody who may receive them. */
const cheapBody = (): fc.Arbitrary<string> => {
  const turnedAway = undeliverable();
  const serialized = turnedAway.map((message) => JSON.stringify(message));
  // About one record in six still parses and costs a registry lookup; the rest are judged by the parse alone.
  return fc.oneof(
    { weight: 2, arbitrary: serialized },
    // Near misses of a real envelope; the ones still valid are turned away by the registry.
    { weight: 6, arbitrary: fc.tuple(turnedAway, memberChanges(ENVELOPE_KEYS)).map(([message, changes]) => JSON.stringify(withChanges(message, changes))) },
    { weight: 4, arbitrary: mutateText(fc.tuple(hex, fc.constantFrom(UNKNOWN, SUSPENDED)).map(([sub, accountId]) => JSON.stringify(envelope(accountId, [{ Id: sub }], sub)))) },
    { weight: 4, arbitrary: anyJson.map((value) => JSON.stringify(value) ?? '') },
    { weight: 3, arbitrary: binaryString(300) },
    { weight: 3, arbitrary: nastyString },
    { weight: 1, arbitrary: fc.tuple(hex, fc.constantFrom<Array<(sub: string) => string>>(
      () => '', () => 'null', () => '{}', () => '[]', () => '{"v":1}', () => '\uFEFF{"v":1}', () => 'undefined',
      (sub) => JSON.stringify(envelope(UNKNOWN, [], sub)),
      (sub) => JSON.stringify({ ...envelope(UNKNOWN, [{ Id: sub }], sub), v: '1' }),
      (sub) => JSON.stringify(envelope(UNKNOWN, [{ Id: sub }], sub, { accountId: 525252520010 })),
      (sub) => `{"__proto__":${JSON.stringify(envelope(UNKNOWN, [{ Id: sub }], sub))}}`,
      (sub) => JSON.stringify(envelope(UNKNOWN, [{ Id: sub }], sub)).replace('"v":1', '"constructor":{"prototype":{"v":1}},"v":1'),
      (sub) => JSON.stringify(envelope(UNKNOWN, [{ Id: sub }], sub)).replace('"findings":[{', '"findings":[{"__proto__":{"Id":"polluted"},'),
      // Nesting deeper than any finding has (the deepest and the biggest bodies have a test of their own, below).
      () => nestedText(500),
      (sub) => JSON.stringify(envelope(UNKNOWN, [], sub)).replace('"findings":[]', `"findings":${nestedText(300)}`),
      (sub) => JSON.stringify(envelope(UNKNOWN, [{ Id: sub, ProductFields: JSON.parse(nestedText(300, '{}', '{"a":', '}')) }], sub)),
    )).map(([sub, build]) => build(sub)) },
  );
};

/**
 * One SQS event's messages: mostly a few cheap ones (every malformed one costs a DLQ send, so events
 * stay small, and full 10-record events come from the other branch); in about one case in 25, one or
 * two that import or assume a role, among cheap ones.
 */
const cases = (): fc.Arbitrary<FuzzMessage[]> => {
  const cheap = message(cheapBody());
  return fc.oneof(
    { weight: 24, arbitrary: fc.array(cheap, { minLength: 1, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.tuple(fc.array(message(costlyBody()), { minLength: 1, maxLength: 2 }), fc.array(cheap, { maxLength: 8 }), fc.nat())
      .map(([costly, rest, at]) => { rest.splice(at % (rest.length + 1), 0, ...costly); return rest; }) },
  );
};

let messageCount = 0;

/** A received message as the SQS SDK hands it to the poller. */
function received(m: FuzzMessage): Message {
  messageCount += 1;
  return {
    MessageId: `00000000-fuzz-4000-8000-${String(messageCount).padStart(12, '0')}`, ReceiptHandle: `receipt-${messageCount}`,
    ...(m.body === undefined ? {} : { Body: m.body }), Attributes: m.attributes, MessageAttributes: m.messageAttributes,
  };
}

/** What the handler's own parse makes of a body: the delivery message, or undefined when it is malformed. */
function parsed(body: string): DeliveryMessage | undefined {
  try {
    return parseDeliveryMessage(body);
  } catch {
    return undefined;
  }
}

/**
 * Whether the dead letter of a malformed record fits one SQS message: it is the record's body wrapped in
 * an envelope, escaped for SQS, with room for the attributes. One that does not fit cannot be
 * dead-lettered, so the record is left to SQS (reported failed); every other one must not be.
 */
function deadLetterFits(body: string): boolean {
  return sqsJsonBytes(JSON.stringify({ v: 1, submissionId: 'unknown', partnerId: 'unknown', accountId: '000000000000', region: 'unknown', productKey: 'unknown',
    findings: [{ raw: body }] })) + 8 * 1024 <= MAX_SQS_MESSAGE_BYTES;
}

interface CaseResult {
  records: Array<{ messageId: string; body: string; message: DeliveryMessage | undefined; failed: boolean }>;
}

const stats = { cases: 0, records: 0, malformed: 0, failed: 0, failedMalformed: 0, reconciled: 0, dlqFindings: 0, importedFindings: 0 };

async function invoke(messages: FuzzMessage[]): Promise<CaseResult> {
  const event: SQSEvent = { Records: messages.map((m) => sqsRecordOf(received(m), { queueArn: stack.deliveryQueueArn, region: stack.region })) };
  // The handler must answer (a thrown error would fail the whole batch in Lambda, retrying good and bad alike).
  const response = await observed.traces.traced(() => deliver(event, lambdaContext('deliver')));
  const ids = event.Records.map((record) => record.messageId);
  const failures = Array.isArray(response?.batchItemFailures) ? response.batchItemFailures.map((failure) => failure.itemIdentifier) : undefined;
  const failed = new Set(failures);
  const records = event.Records.map((record) => ({ messageId: record.messageId, body: record.body, message: parsed(record.body), failed: failed.has(record.messageId) }));
  // A malformed record with a dead letter that fits is dead-lettered, whatever else its batch holds.
  const strandedMalformed = records.filter((record) => !record.message && record.failed && deadLetterFits(record.body));
  const fine = failures !== undefined && failed.size === failures.length && failures.every((id) => ids.includes(id as string)) && strandedMalformed.length === 0;
  if (!fine) {
    const shown = `${JSON.stringify(response).slice(0, 300)} for ${event.Records.length} records: ${records.map((r) => `${r.failed ? 'FAILED ' : ''}${r.body.slice(0, 200)}`).join(' | ')}`;
    expect(failures, shown).toEqual(expect.any(Array));
    expect(failed.size, `duplicate batchItemFailures: ${shown}`).toBe(failures!.length);
    expect(failures!.filter((id) => !ids.includes(id as string)), `batchItemFailures naming no record: ${shown}`).toEqual([]);
    expect(strandedMalformed.map((record) => record.body.slice(0, 200)), `malformed records left to retry instead of dead-lettered: ${shown}`).toEqual([]);
  }
  stats.cases += 1;
  stats.records += records.length;
  for (const record of records) {
    if (!record.message) stats.malformed += 1;
    if (record.failed) stats.failed += 1;
    if (record.failed && !record.message) stats.failedMalformed += 1;
  }
  return { records };
}

/** Everything on the DLQ, received once (hidden long enough for the check), then purged. */
async function drainDeadLetters(): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await stack.sqs.send(new ReceiveMessageCommand({
      QueueUrl: stack.deadLetterQueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 600, WaitTimeSeconds: 0,
    }));
    if (Messages.length === 0) break;
    all.push(...Messages);
  }
  await purgeDeadLetters();
  return all;
}

const purgeDeadLetters = async (): Promise<void> => {
  await stack.sqs.send(new PurgeQueueCommand({ QueueUrl: stack.deadLetterQueueUrl }));
};

/**
 * Every record of the run that was not left to retry is accounted for: a malformed one as a
 * MalformedMessage dead letter holding its exact body, a delivery message finding by finding, each
 * either dead-lettered (with its group and a reason) or in the customer's hub. Each dead letter carries
 * an ErrorCode and an ErrorMessage for the operator.
 */
async function reconcile(results: CaseResult[]): Promise<void> {
  const letters = await drainDeadLetters();
  const raws = new Map<string, number>();
  const findings = new Map<string, string[]>();
  for (const letter of letters) {
    const code = letter.MessageAttributes?.ErrorCode?.StringValue ?? '';
    const reason = letter.MessageAttributes?.ErrorMessage?.StringValue ?? '';
    const body = parsed(letter.Body ?? '');
    if (!code || !reason || !body) expect({ code, reason, body: (letter.Body ?? '').slice(0, 300) }, 'a dead letter without a reason or a delivery message body').toBeUndefined();
    for (const finding of body!.findings) {
      stats.dlqFindings += 1;
      if (code === 'MalformedMessage' && typeof finding.raw === 'string') raws.set(finding.raw, (raws.get(finding.raw) ?? 0) + 1);
      else {
        const key = `${body!.submissionId}\n${body!.accountId}\n${body!.region}`;
        findings.set(key, [...(findings.get(key) ?? []), JSON.stringify(finding)]);
      }
    }
  }
  const hubs = new Map<string, Set<unknown>>();
  const inHub = (accountId: string, region: string, id: unknown): boolean => {
    const key = `${accountId}|${region}`;
    if (!hubs.has(key)) hubs.set(key, new Set(stack.emulator.state.findings(accountId, region).map((finding) => finding.Id)));
    return typeof id === 'string' && hubs.get(key)!.has(id);
  };
  const lost: string[] = [];
  for (const { records } of results) {
    for (const record of records) {
      if (record.failed) continue;
      stats.reconciled += 1;
      if (!record.message) {
        const left = raws.get(record.body) ?? 0;
        if (left === 0) lost.push(`malformed, not on the DLQ: ${record.body.slice(0, 200)}`);
        raws.set(record.body, left - 1);
        continue;
      }
      const { submissionId, accountId, region } = record.message;
      const dead = findings.get(`${submissionId}\n${accountId}\n${region}`) ?? [];
      for (const finding of record.message.findings) {
        const at = dead.indexOf(JSON.stringify(finding));
        if (at >= 0) dead.splice(at, 1);
        else if (inHub(accountId, region, finding.Id)) stats.importedFindings += 1;
        else lost.push(`finding neither dead-lettered nor imported: ${JSON.stringify(finding).slice(0, 200)} of ${record.body.slice(0, 200)}`);
      }
    }
  }
  expect(lost).toEqual([]);
}

describe('the deliver handler under fuzzing', () => {
  it(`answers ${FUZZ_RUNS} fuzzed SQS events with a batch response, every record dead-lettered with its reason, imported or left to retry, and RSS stays bounded`, async () => {
    await purgeDeadLetters();
    const rss = rssMeter();
    let run = 0;
    let failing = false;
    await fuzzRuns(cases(), async (batch) => {
      // Once a run has failed, fast-check shrinks it: every attempt is then reconciled, so the shrunk case shows the same failure.
      const reconciled = failing || run++ % RECONCILE_EVERY === 0;
      try {
        if (reconciled) await purgeDeadLetters();
        // One invocation at a time, as one Lambda container runs them: the handler's BatchProcessor is
        // module state (the Powertools pattern), so overlapping calls would swap each other's records.
        const results: CaseResult[] = [];
        for (const messages of batch) results.push(await invoke(messages));
        if (reconciled) await reconcile(results);
      } catch (error) {
        failing = true;
        throw error;
      }
    // Shrinking a failed run re-runs whole batches against the stack: it stops after two minutes with the smallest batch found by then.
    }, FUZZ_RUNS, { interruptAfterTimeLimit: 120_000 });
    expect(stats.cases).toBeGreaterThanOrEqual(FUZZ_RUNS);
    const imported = ACTIVE.reduce((sum, accountId) => sum + stack.emulator.state.findings(accountId, stack.region).length, 0);
    // What the dead letters and imported findings occupy belongs to the (in-process) queue and emulator, not to deliver.
    await purgeDeadLetters();
    stack.emulator.state.resetCounters();
    expect(rss.growth()).toBeLessThan(RSS_GROWTH_BOUND);
    expect(rss.heapGrowth()).toBeLessThan(HEAP_GROWTH_BOUND);
    // The generators reach every outcome: malformed, turned away, imported, and left to retry.
    expect(stats.malformed).toBeGreaterThan(stats.records / 4);
    expect(stats.reconciled).toBeGreaterThan((FUZZ_RUNS / RECONCILE_EVERY) * 2);
    expect(imported).toBeGreaterThan(FUZZ_RUNS / 200);
    expect(stats.dlqFindings).toBeGreaterThan(FUZZ_RUNS / RECONCILE_EVERY);
    expect(stats.failed).toBeGreaterThan(0);
  }, 180_000);
});

describe('the deliver handler with the biggest and deepest records', () => {
  it('dead-letters or imports every record of a batch that also holds huge finding lists, 200,000-deep nesting and findings no finding should be', async () => {
    const good = (sub: string) => JSON.stringify(envelope(ACTIVE[0]!, [goodFinding(ACTIVE[0]!, sub)], sub));
    const huge: Array<[string, string]> = [
      ['200,000-deep nesting as the body', nestedText(200_000)],
      ['20,000 numbers for findings', JSON.stringify(envelope(UNKNOWN, Array.from({ length: 20_000 }, (_, i) => i), 'numbers'))],
      ['5,000 findings for nobody', JSON.stringify(envelope(UNKNOWN, Array.from({ length: 5_000 }, (_, i) => ({ Id: `n-${i}`, ProductArn: partner.productArn })), 'many'))],
      ['250 findings for an ACTIVE customer (three imports)', JSON.stringify(envelope(ACTIVE[1]!, Array.from({ length: 250 }, (_, i) => ({ ...goodFinding(ACTIVE[1]!, `big${i}`), Resources: [{ Type: 'Other', Id: `r${i}` }] })), 'big'))],
      ['a finding nested 10,000 deep', JSON.stringify(envelope(UNKNOWN, [{ Id: 'deep', ProductFields: {} }], 'deep')).replace('"ProductFields":{}', `"ProductFields":${nestedText(10_000, '{}', '{"a":', '}')}`)],
      ['a ProductArn that is no string and has no string form', JSON.stringify(envelope(UNKNOWN, [{ Id: 'odd', ProductArn: { toString: 1 } }], 'odd'))],
      ['an Id that is no string, for an ACTIVE customer', JSON.stringify(envelope(ACTIVE[2]!, [{ ...goodFinding(ACTIVE[2]!, 'oddid'), Id: { toString: 1 } }], 'oddid'))],
      ['a finding without an Id, for an ACTIVE customer', JSON.stringify(envelope(ACTIVE[3]!, [{ ...goodFinding(ACTIVE[3]!, 'noid'), Id: undefined }], 'noid'))],
      ['256 KB of emoji (its dead letter, escaped, cannot fit one SQS message)', '\u{1F600}'.repeat(64 * 1024)],
    ];
    const failures: string[] = [];
    for (const [what, body] of huge) {
      await purgeDeadLetters();
      const batch: FuzzMessage[] = [body, good(`h${failures.length}${what.length}`), 'not json'].map((text) => ({ body: text, attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {} }));
      try {
        await reconcile([await invoke(batch)]);
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message.slice(0, 600)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('what deliver wrote and traced during the fuzz', () => {
  it('holds no finding content, ExternalId or credential in logs, metrics or traces (and the capture saw them)', () => {
    // The capture saw the handler's output at DEBUG, its EMF metrics and its trace segments, else this proves nothing.
    expect(observed.output.seen.logLines).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expect(observed.logger.getLevelName()).toBe('DEBUG');
    expect([...observed.output.seen.levels]).toContain('INFO');
    expect(observed.output.seen.metricLines).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expect(observed.traces.seen.segments).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expect(observed.traces.seen.subsegments).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expect(scanner.leaks.map((leak) => JSON.stringify(leak))).toEqual([]);
  });
});
