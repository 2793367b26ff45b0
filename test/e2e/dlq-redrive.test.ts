import { DeleteRolePolicyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { redriveDeadLetters, summarizeDeadLetters } from '#shared/redrive/dlq-operations.js';
import type { DlqQueues } from '#shared/redrive/dlq-receiver.js';
import { findingsFor, postFindings } from '../support/local-broker.js';
import type { CustomerAccount } from '../support/customer-account.js';
import { onboardingKit, type Setup } from '../support/onboarding-kit.js';

const kit = onboardingKit('4300');
const queues = (): DlqQueues => ({ sqs: kit.stack.sqs, deadLetterQueueUrl: kit.stack.deadLetterQueueUrl, deliveryQueueUrl: kit.stack.deliveryQueueUrl });

/** An ACTIVE customer whose role then loses its permissions: every delivery is refused with ImportAccessDenied. */
async function brokenCustomer(): Promise<{ customer: CustomerAccount; setup: Setup }> {
  const customer = kit.newCustomer();
  const setup = await kit.onboarded(customer);
  await customer.iam.send(new DeleteRolePolicyCommand({ RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport' }));
  return { customer, setup };
}

async function post(customer: CustomerAccount, count: number, prefix: string): Promise<void> {
  const reply = await postFindings(kit.stack, kit.partner.token, { Findings: findingsFor(kit.partner, customer.accountId, count, prefix) });
  expect(reply.body.accepted).toBe(count);
}

const deadLettered = async (accountId: string) => (await summarizeDeadLetters(queues(), { filter: { accounts: [accountId] } })).findings;
/**
 * Waits until `read` gives `expected`, one read at a time: a DLQ walk hides what it reads until it
 * ends, so two overlapping walks would each count only part of the queue.
 */
async function settles(read: () => Promise<number>, expected: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (last !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    last = await read();
  }
  expect(last).toBe(expected);
}

const imported = (accountId: string) => kit.stack.emulator.state.findings(accountId, kit.stack.region).length;

describe('redriving the DLQ', () => {
  it('delivers every dead-lettered finding of a customer whose role was fixed, leaves other accounts\' in place, and the counts add up', async () => {
    const fixed = await brokenCustomer();
    const other = await brokenCustomer();
    await post(fixed.customer, 7, 'fixed-a');
    await post(fixed.customer, 5, 'fixed-b');
    await post(other.customer, 4, 'other');
    await settles(() => deadLettered(fixed.customer.accountId), 12);
    await settles(() => deadLettered(other.customer.accountId), 4);
    const before = { fixed: await deadLettered(fixed.customer.accountId), other: await deadLettered(other.customer.accountId) };
    const importedBefore = imported(fixed.customer.accountId);

    await kit.restorePermissions(fixed.customer, fixed.setup);
    const report = await redriveDeadLetters(queues(), { filter: { accounts: [fixed.customer.accountId] } });
    expect(report).toMatchObject({ matchedMessages: expect.any(Number), matchedFindings: 12, failedMessages: 0, complete: true });

    await expect.poll(() => imported(fixed.customer.accountId), { timeout: 20_000, interval: 300 }).toBe(importedBefore + 12);
    expect(await deadLettered(fixed.customer.accountId)).toBe(0);
    expect(await deadLettered(other.customer.accountId)).toBe(before.other);
    // Findings dead-lettered before = imported since + still dead-lettered after.
    expect(before.fixed + before.other).toBe(imported(fixed.customer.accountId) - importedBefore + (await deadLettered(fixed.customer.accountId)) + (await deadLettered(other.customer.accountId)));
  }, 90_000);

  it('needs no operator: once the customer re-verifies, its waiting findings arrive by themselves and the registration says how many went back', async () => {
    const { customer, setup } = await brokenCustomer();
    await post(customer, 6, 'self-healed');
    await settles(() => deadLettered(customer.accountId), 6);
    const importedBefore = imported(customer.accountId);

    await kit.restorePermissions(customer, setup);
    const verified = (await customer.call('POST', `${kit.path()}/verify`)).body;
    expect(verified).toMatchObject({ status: 'ACTIVE', redriven: { findings: 6, complete: true } });
    await expect.poll(() => imported(customer.accountId), { timeout: 20_000, interval: 300 }).toBe(importedBefore + 6);
    expect(await deadLettered(customer.accountId)).toBe(0);
    expect((await customer.call('GET', kit.path())).body.redriven).toMatchObject({ findings: 6 });
  }, 90_000);

  it('sends a finding that keeps failing back to the DLQ with its whole story instead of looping', async () => {
    const { customer } = await brokenCustomer();
    await post(customer, 2, 'keeps-failing');
    await settles(() => deadLettered(customer.accountId), 2);
    const report = await redriveDeadLetters(queues(), { filter: { accounts: [customer.accountId] } });
    // Each finding went back once: the ones dead-lettered anew during the walk were not walked again.
    expect(report.matchedFindings).toBe(2);
    await settles(() => deadLettered(customer.accountId), 2);
    const views: Array<{ redriveCount: number; firstErrorCode: string; firstFailedAt: string; lastFailedAt: string }> = [];
    const { listDeadLetters } = await import('#shared/redrive/dlq-operations.js');
    await listDeadLetters(queues(), { filter: { accounts: [customer.accountId] } }, (view) => views.push(view));
    for (const view of views) {
      expect(view).toMatchObject({ redriveCount: 1, firstErrorCode: 'ImportAccessDenied' });
      expect(view.firstFailedAt <= view.lastFailedAt).toBe(true);
    }
    // Self-healing stops after three redrives: it would not send these a fourth time.
    const { MAX_AUTOMATIC_REDRIVES } = await import('#shared/redrive/self-heal.js');
    expect(MAX_AUTOMATIC_REDRIVES).toBe(3);
  }, 90_000);
});
