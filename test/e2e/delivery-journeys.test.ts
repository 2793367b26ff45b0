import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { addCustomer, addPartner, deadLetters, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

let stack: LocalStack;
let partner: TestPartner;
const HAPPY = '333333333333';
const UNTRUSTING = '444444444444';
const UNSUBSCRIBED = '555555555555';
const STS_THROTTLED = '888888888888';
const FIXED_ROLE = '999999999999';

beforeAll(async () => {
  stack = await startBroker();
  partner = await addPartner(stack, 'acme');
  await addCustomer(stack, partner, { accountId: HAPPY });
  await addCustomer(stack, partner, { accountId: UNTRUSTING, trust: 'wrong-external-id' });
  await addCustomer(stack, partner, { accountId: UNSUBSCRIBED, subscribed: false });
});
afterAll(async () => stack?.stop());

describe('delivery from a partner POST to the customer account', () => {
  it('imports 250 findings posted at once with 3 BatchImportFindings calls and 1 AssumeRole', async () => {
    stack.emulator.state.resetCounters();
    const findings = findingsFor(partner, HAPPY, 250, 'bulk');
    // The 250 findings span several SQS messages of one FIFO message group, received together into
    // one invocation once they are all queued (202 means every message is on the queue).
    await stack.poller.stop();
    const posted = await postFindings(stack, partner.token, { Findings: findings });
    expect(posted.status).toBe(202);
    expect(posted.body.accepted).toBe(250);
    stack.poller.start();
    await stack.poller.waitForIdle();

    expect(stack.emulator.state.callCount('BatchImportFindings', HAPPY)).toBe(3);
    expect(stack.emulator.state.callCount('AssumeRole', stack.brokerAccountId)).toBe(1);
    const imported = stack.emulator.state.findings(HAPPY, stack.region);
    expect(imported.filter((f) => String(f.Id).startsWith('bulk-'))).toHaveLength(250);
    expect(new Set(imported.map((f) => f.AwsAccountId))).toEqual(new Set([HAPPY]));
    expect(new Set(imported.map((f) => f.ProductArn))).toEqual(new Set([partner.productArn]));
    // More than one message really was involved: grouping across records is what kept it at 3 calls.
    expect(Math.ceil(JSON.stringify(findings).length / (256 * 1024))).toBeGreaterThan(1);
  });

  it('dead-letters findings for a role that does not trust the broker with its ExternalId, naming the fix', async () => {
    const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, UNTRUSTING, 5, 'untrusted') });
    expect(posted.status).toBe(202);
    await stack.poller.waitForIdle();

    const letters = (await deadLetters(stack)).filter((l) => l.attributes.AwsAccountId === UNTRUSTING);
    expect(letters.flatMap((l) => l.findings)).toHaveLength(5);
    const [letter] = letters;
    expect(letter?.attributes.ErrorCode).toBe('AssumeRoleDenied');
    expect(letter?.attributes.ErrorMessage).toMatch(/trust policy.*sts:ExternalId/);
    // A recent refusal is retried (IAM changes take a while to apply) until the last receive, which is final.
    expect(letter?.attributes).toMatchObject({ Region: stack.region, ProductArn: partner.productArn, PartnerId: 'acme', Attempts: '3' });
    expect(stack.emulator.state.findings(UNTRUSTING, stack.region)).toHaveLength(0);
  });

  it('dead-letters findings for an account without the product subscription, naming the command that fixes it', async () => {
    const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, UNSUBSCRIBED, 3, 'unsubscribed') });
    expect(posted.status).toBe(202);
    await stack.poller.waitForIdle();

    const letters = (await deadLetters(stack)).filter((l) => l.attributes.AwsAccountId === UNSUBSCRIBED);
    expect(letters.flatMap((l) => l.findings)).toHaveLength(3);
    expect(letters[0]?.attributes.ErrorCode).toBe('ProductNotSubscribed');
    expect(letters[0]?.attributes.ErrorMessage).toContain(`enable-import-findings-for-product --product-arn ${partner.productArn}`);
  });

  it('loses nothing: every accepted finding is imported or dead-lettered', async () => {
    const batch = [
      ...findingsFor(partner, HAPPY, 20, 'mixed-ok'),
      ...findingsFor(partner, UNTRUSTING, 7, 'mixed-untrusted'),
      ...findingsFor(partner, UNSUBSCRIBED, 4, 'mixed-unsubscribed'),
    ];
    const posted = await postFindings(stack, partner.token, { Findings: batch });
    expect(posted.body.accepted).toBe(31);
    await stack.poller.waitForIdle();

    const imported = stack.emulator.state.findings(HAPPY, stack.region).filter((f) => String(f.Id).startsWith('mixed-'));
    const deadLettered = (await deadLetters(stack)).flatMap((l) => l.findings).filter((f) => String(f.Id).startsWith('mixed-'));
    expect(imported.length + deadLettered.length).toBe(posted.body.accepted);
    expect(imported).toHaveLength(20);
  });

  it('retries only the throttled records and imports them once Security Hub recovers', async () => {
    // The SDK tries 3 times per invocation: 3 throttles fail the first delivery, SQS redelivers.
    stack.emulator.state.injectFault({ operation: 'BatchImportFindings', accountId: HAPPY, kind: 'throttle', times: 3 });
    const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, HAPPY, 10, 'throttled') });
    expect(posted.status).toBe(202);
    await stack.poller.waitForIdle();

    const imported = stack.emulator.state.findings(HAPPY, stack.region).filter((f) => String(f.Id).startsWith('throttled-'));
    expect(imported).toHaveLength(10);
    stack.emulator.state.clearFaults();
  });

  it('imports a finding with U+FFFE, U+FFFF and an emoji in its Title exactly as posted, though SQS refuses those characters raw', async () => {
    // SQS allows only #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (botocore
    // sqs/2012-11-05/service-2.json, SendMessage MessageBody); the local SQS also refuses the astral plane.
    const title = 'Odd \uFFFE characters \uFFFF and \u{1F600} in a title';
    const [finding] = findingsFor(partner, HAPPY, 1, 'characters');
    const posted = await postFindings(stack, partner.token, { Findings: [{ ...finding, Title: title }] });
    expect(posted.status).toBe(202);
    expect(posted.body.accepted).toBe(1);
    await stack.poller.waitForIdle();

    const imported = stack.emulator.state.findings(HAPPY, stack.region).filter((f) => f.Id === 'characters-0');
    expect(imported.map((f) => f.Title)).toEqual([title]);
  });

  it('re-queues findings whose AssumeRole STS throttles (Throttling, HTTP 400) until it passes, spending no receive: more throttled rounds than maxReceiveCount still import', async () => {
    // A new destination, so its credentials are not cached yet. Each round is the SDK's 3 attempts; 4
    // rounds outlast the queue's maxReceiveCount (3 here), which would have dead-lettered them if each
    // round spent a receive.
    await addCustomer(stack, partner, { accountId: STS_THROTTLED });
    stack.emulator.state.injectFault({ operation: 'AssumeRole', accountId: stack.brokerAccountId, kind: 'throttle', times: 12 });
    stack.emulator.state.resetCounters();
    const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, STS_THROTTLED, 3, 'sts-throttled') });
    expect(posted.status).toBe(202);
    await stack.poller.waitForIdle(30_000);
    stack.emulator.state.clearFaults();

    // 12 throttled, then one that passes (more if a slow round outlived the 1 s visibility timeout and was received twice).
    expect(stack.emulator.state.callCount('AssumeRole', stack.brokerAccountId)).toBeGreaterThanOrEqual(13);
    expect(stack.emulator.state.findings(STS_THROTTLED, stack.region).filter((f) => String(f.Id).startsWith('sts-throttled-'))).toHaveLength(3);
    expect((await deadLetters(stack)).filter((l) => l.attributes.AwsAccountId === STS_THROTTLED)).toEqual([]);
  }, 60_000);

  it('imports on the second receive findings whose role was refused on the first receive and fixed meanwhile (IAM propagation)', async () => {
    const registration = await addCustomer(stack, partner, { accountId: FIXED_ROLE, trust: 'wrong-external-id' });
    const { state } = stack.emulator;
    state.resetCounters();
    await stack.poller.stop();
    const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, FIXED_ROLE, 3, 'fixed-role') });
    expect(posted.status).toBe(202);
    stack.poller.start();
    // The first receive is refused; the customer's fix lands before the message is visible again.
    await vi.waitFor(() => expect(state.calls().some((c) => c.operation === 'AssumeRole' && c.status === 403)).toBe(true), { timeout: 5_000, interval: 10 });
    state.putRole({
      accountId: FIXED_ROLE, roleName: registration.roleArn!.split('/').pop()!,
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: stack.brokerPrincipalArn }, Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': registration.externalId! } } }] },
    });
    await stack.poller.waitForIdle();

    expect(state.findings(FIXED_ROLE, stack.region).filter((f) => String(f.Id).startsWith('fixed-role-'))).toHaveLength(3);
    expect((await deadLetters(stack)).filter((l) => l.attributes.AwsAccountId === FIXED_ROLE)).toEqual([]);
  });

  it('dead-letters with the last error once SQS has delivered a record maxReceiveCount times', async () => {
    stack.emulator.state.injectFault({ operation: 'BatchImportFindings', accountId: HAPPY, kind: 'server-error' });
    await postFindings(stack, partner.token, { Findings: findingsFor(partner, HAPPY, 2, 'exhausted') });
    await stack.poller.waitForIdle(30_000);
    stack.emulator.state.clearFaults();

    const letters = (await deadLetters(stack)).filter((l) => l.findings.some((f) => String(f.Id).startsWith('exhausted-')));
    expect(letters.flatMap((l) => l.findings)).toHaveLength(2);
    expect(letters[0]?.attributes.ErrorCode).toBe('SecurityHubInternalError');
    expect(letters[0]?.attributes.ErrorMessage).toMatch(/Gave up after 3 deliveries/);
    expect(letters[0]?.attributes.Attempts).toBe('3');
  });
});
