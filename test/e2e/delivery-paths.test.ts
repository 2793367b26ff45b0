import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { addCustomer, addPartner, deadLetters, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

let stack: LocalStack;
let partner: TestPartner;
const EXPIRING = '310000000001';
const THROTTLED = '310000000002';
const PARTNER_MODE = '310000000003';
const HAND_MADE = '310000000004';

beforeAll(async () => {
  stack = await startBroker();
  partner = await addPartner(stack, 'acme');
  await addCustomer(stack, partner, { accountId: EXPIRING });
  await addCustomer(stack, partner, { accountId: THROTTLED });
  await addCustomer(stack, partner, { accountId: PARTNER_MODE, mode: 'partner-account' });
  await addCustomer(stack, partner, { accountId: HAND_MADE });
  // Customer-hosted: the broker runs in the customer's own account and imports with its own credentials.
  await addCustomer(stack, partner, { accountId: stack.brokerAccountId, mode: 'customer-hosted' });
}, 60_000);
afterAll(async () => stack?.stop());

const imported = (account: string, prefix: string) => stack.emulator.state.findings(account, stack.region).filter((f) => String(f.Id).startsWith(prefix));

describe('delivery paths the promise depends on', () => {
  it('refreshes credentials that die mid-batch and imports everything, with one more AssumeRole', async () => {
    stack.emulator.state.resetCounters();
    // The first import with the cached session answers ExpiredTokenException, as a revoked session does.
    stack.emulator.state.injectFault({ operation: 'BatchImportFindings', accountId: EXPIRING, kind: 'expired-credentials', times: 1 });
    // The 150 findings take two messages of one FIFO group; polling starts once both are queued, so one
    // invocation (one container, one credential cache) receives them together.
    await stack.poller.stop();
    const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, EXPIRING, 150, 'expiring') });
    expect(posted.status).toBe(202);
    stack.poller.start();
    await stack.poller.waitForIdle();
    expect(imported(EXPIRING, 'expiring-')).toHaveLength(150);
    expect(stack.emulator.state.callCount('AssumeRole', stack.brokerAccountId)).toBe(2);
    expect((await deadLetters(stack)).filter((letter) => letter.attributes.AwsAccountId === EXPIRING)).toEqual([]);
  }, 60_000);

  it('retries throttled imports and shows it: the throttled calls happened, the records came back, and every finding is imported once', async () => {
    stack.emulator.state.resetCounters();
    stack.emulator.state.injectFault({ operation: 'BatchImportFindings', accountId: THROTTLED, kind: 'throttle', times: 3 });
    await postFindings(stack, partner.token, { Findings: findingsFor(partner, THROTTLED, 20, 'storm') });
    await stack.poller.waitForIdle();
    const calls = stack.emulator.state.calls().filter((call) => call.operation === 'BatchImportFindings' && call.accountId === THROTTLED);
    expect(calls.filter((call) => call.status === 429)).toHaveLength(3);
    expect(calls.filter((call) => call.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(imported(THROTTLED, 'storm-')).toHaveLength(20);
  }, 60_000);

  it('dead-letters a malformed queue message as MalformedMessage instead of losing or looping on it', async () => {
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.deliveryQueueUrl, MessageBody: '{"not":"a delivery message"}', MessageGroupId: 'malformed', MessageDeduplicationId: randomUUID() }));
    await stack.poller.waitForIdle();
    const letters = (await deadLetters(stack)).filter((letter) => letter.attributes.ErrorCode === 'MalformedMessage');
    expect(letters.length).toBeGreaterThanOrEqual(1);
    expect(letters[0]!.attributes.ErrorMessage).toMatch(/Not a delivery message/);
  }, 60_000);

  it('dead-letters what ingest never queues (a finding without an Id, a ProductArn that is no string, a finding 10,000 deep) with its reason, and still imports the rest of the batch', async () => {
    // Messages written by something else than ingest (a hand-made redrive, a tool): before, a finding
    // without an Id counted as imported without being so, and a deep or odd one failed every record of the batch.
    const [good, noId, oddArn, deep] = findingsFor(partner, HAND_MADE, 4, 'hand-made');
    delete noId!.Id;
    oddArn!.ProductArn = { toString: 1 };
    const deepBody = `{"v":1,"submissionId":"hand","partnerId":"acme","accountId":"${HAND_MADE}","region":"${stack.region}","productKey":"${partner.productKey}","findings":[${JSON.stringify({ ...deep, ProductFields: {} }).slice(0, -1)},"Deep":${'{"n":'.repeat(10_000)}0${'}'.repeat(10_000)}}]}`;
    const body = (findings: unknown[]) => JSON.stringify({ v: 1, submissionId: 'hand', partnerId: 'acme', accountId: HAND_MADE, region: stack.region, productKey: partner.productKey, findings });
    await stack.sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.deliveryQueueUrl, Entries: [
      { Id: 'good', MessageBody: body([good, noId, oddArn]), MessageGroupId: `${HAND_MADE}/${stack.region}`, MessageDeduplicationId: randomUUID() },
      { Id: 'deep', MessageBody: deepBody, MessageGroupId: `${HAND_MADE}/${stack.region}`, MessageDeduplicationId: randomUUID() },
    ] }));
    await stack.poller.waitForIdle();
    expect(imported(HAND_MADE, 'hand-made-').map((f) => f.Id)).toEqual(['hand-made-0']);
    const letters = (await deadLetters(stack)).filter((letter) => letter.attributes.AwsAccountId === HAND_MADE || letter.attributes.ErrorCode === 'MalformedMessage');
    const malformedFindings = letters.filter((letter) => letter.attributes.ErrorCode === 'MalformedFinding').flatMap((letter) => letter.findings);
    expect(malformedFindings.map((finding) => finding.Title)).toEqual([noId!.Title, oddArn!.Title]);
    expect(letters.filter((letter) => letter.attributes.ErrorCode === 'MalformedFinding').map((letter) => letter.attributes.ErrorMessage).join(' ')).toMatch(/no Id .* no ProductArn|no ProductArn .* no Id/);
    expect(letters.some((letter) => letter.attributes.ErrorCode === 'MalformedMessage' && /nests more than 32 levels/.test(letter.attributes.ErrorMessage!))).toBe(true);
  }, 60_000);

  it('delivers in customer-hosted mode into the broker\'s own account with its own credentials and no AssumeRole', async () => {
    stack.emulator.state.resetCounters();
    await postFindings(stack, partner.token, { Findings: findingsFor(partner, stack.brokerAccountId, 5, 'hosted') });
    await stack.poller.waitForIdle();
    expect(imported(stack.brokerAccountId, 'hosted-')).toHaveLength(5);
    expect(stack.emulator.state.callCount('AssumeRole')).toBe(0);
  }, 60_000);

  it('delivers in partner-account mode with the broker\'s own credentials and no AssumeRole', async () => {
    stack.emulator.state.resetCounters();
    await postFindings(stack, partner.token, { Findings: findingsFor(partner, PARTNER_MODE, 5, 'partner-mode') });
    await stack.poller.waitForIdle();
    expect(imported(PARTNER_MODE, 'partner-mode-')).toHaveLength(5);
    expect(stack.emulator.state.callCount('AssumeRole')).toBe(0);
  }, 60_000);
});
