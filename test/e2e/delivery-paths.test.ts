import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { addCustomer, addPartner, deadLetters, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

let stack: LocalStack;
let partner: TestPartner;
const EXPIRING = '310000000001';
const THROTTLED = '310000000002';
const PARTNER_MODE = '310000000003';

beforeAll(async () => {
  stack = await startBroker();
  partner = await addPartner(stack, 'acme');
  await addCustomer(stack, partner, { accountId: EXPIRING });
  await addCustomer(stack, partner, { accountId: THROTTLED });
  await addCustomer(stack, partner, { accountId: PARTNER_MODE, mode: 'partner-account' });
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
    const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, EXPIRING, 150, 'expiring') });
    expect(posted.status).toBe(202);
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
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.deliveryQueueUrl, MessageBody: '{"not":"a delivery message"}' }));
    await stack.poller.waitForIdle();
    const letters = (await deadLetters(stack)).filter((letter) => letter.attributes.ErrorCode === 'MalformedMessage');
    expect(letters.length).toBeGreaterThanOrEqual(1);
    expect(letters[0]!.attributes.ErrorMessage).toMatch(/Not a delivery message/);
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
