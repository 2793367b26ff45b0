import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { addCustomer, addPartner, deadLetters, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';

// Security Hub answers "hub off" and "integration off" alike, per finding, with InvalidAccess (user
// guide, "Using BatchImportFindings to create and update findings"). The broker must tell them apart
// with one look, dead-letter with the one fix, and not call the destination again.
let stack: LocalStack;
let partner: TestPartner;
const HUB_OFF = '666666666666';
const INTEGRATION_OFF = '777777777777';

beforeAll(async () => {
  stack = await startBroker();
  partner = await addPartner(stack, 'acme');
  await addCustomer(stack, partner, { accountId: HUB_OFF, hubEnabled: false });
  await addCustomer(stack, partner, { accountId: INTEGRATION_OFF, subscribed: false });
});
afterAll(async () => stack?.stop());

/** Posts 250 findings (3 import chunks, several SQS messages) and lets one delivery take them all. */
async function deliverAtOnce(accountId: string, prefix: string): Promise<void> {
  stack.emulator.state.resetCounters();
  await stack.poller.stop();
  const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, accountId, 250, prefix) });
  expect(posted.status).toBe(202);
  stack.poller.start();
  await stack.poller.waitForIdle();
}

async function lettersOf(accountId: string) {
  return (await deadLetters(stack)).filter((letter) => letter.attributes.AwsAccountId === accountId);
}

describe('findings Security Hub refuses with a per-finding InvalidAccess', () => {
  it('are dead-lettered as SecurityHubNotEnabled with the command that fixes it, after one import call and one DescribeHub', async () => {
    await deliverAtOnce(HUB_OFF, 'hub-off');

    const { state } = stack.emulator;
    expect(state.callCount('BatchImportFindings', HUB_OFF)).toBe(1);
    expect(state.callCount('DescribeHub', HUB_OFF)).toBe(1);
    expect(state.callCount('ListEnabledProductsForImport', HUB_OFF)).toBe(0);
    const letters = await lettersOf(HUB_OFF);
    expect(letters.flatMap((l) => l.findings)).toHaveLength(250);
    expect(new Set(letters.map((l) => l.attributes.ErrorCode))).toEqual(new Set(['SecurityHubNotEnabled']));
    expect(letters[0]!.attributes.ErrorMessage).toMatch(
      new RegExp(`^Security Hub is not enabled in account ${HUB_OFF}, Region ${stack.region}\\. Run \`aws securityhub enable-security-hub --region ${stack.region}\` there, then redrive\\.`),
    );
    expect(state.findings(HUB_OFF, stack.region)).toHaveLength(0);
  });

  it('are dead-lettered as ProductNotSubscribed with the exact command, after one import call and one look at the subscriptions', async () => {
    await deliverAtOnce(INTEGRATION_OFF, 'integration-off');

    const { state } = stack.emulator;
    expect(state.callCount('BatchImportFindings', INTEGRATION_OFF)).toBe(1);
    expect(state.callCount('DescribeHub', INTEGRATION_OFF)).toBe(1);
    expect(state.callCount('ListEnabledProductsForImport', INTEGRATION_OFF)).toBe(1);
    const letters = await lettersOf(INTEGRATION_OFF);
    expect(letters.flatMap((l) => l.findings)).toHaveLength(250);
    expect(new Set(letters.map((l) => l.attributes.ErrorCode))).toEqual(new Set(['ProductNotSubscribed']));
    expect(letters[0]!.attributes.ErrorMessage).toContain(
      `\`aws securityhub enable-import-findings-for-product --product-arn ${partner.productArn} --region ${stack.region}\``,
    );
    expect(letters[0]!.attributes.ErrorMessage).not.toContain('enable-security-hub');
  });
});
