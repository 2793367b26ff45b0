import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDeliveryMessage } from '#shared/queue/delivery-message.js';
import { redriveDeadLetters } from '#shared/redrive/dlq-operations.js';
import { approximateCount } from '#shared/redrive/dlq-receiver.js';
import { findingsFor } from '../support/local-broker.js';
import { seedDeadLetters } from '../support/dead-letters.js';
import { onboardingKit } from '../support/onboarding-kit.js';
import { writeStackFile } from '../support/stack-file.js';

const kit = onboardingKit('4400');
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MESSAGES = 200;
const FINDINGS_PER_MESSAGE = 2;
let folder: string | undefined;
afterAll(async () => folder && rm(folder, { recursive: true, force: true }));

/** The finding ids of every message on a queue right now; the messages are visible again afterwards. */
async function readAll(queueUrl: string): Promise<string[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await kit.stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 1 }));
    if (Messages.length === 0) break;
    messages.push(...Messages);
  }
  for (let i = 0; i < messages.length; i += 10) {
    await kit.stack.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl,
      Entries: messages.slice(i, i + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })) }));
  }
  return messages.flatMap((message) => parseDeliveryMessage(message.Body!).findings.map((finding) => String(finding.Id)));
}

describe('a redrive killed half way', () => {
  it('loses nothing (every finding is in the DLQ or the delivery queue), and what it sent twice Security Hub stores once', async () => {
    const customer = kit.newCustomer();
    await kit.onboarded(customer);
    await kit.stack.poller.stop();
    const all = findingsFor(kit.partner, customer.accountId, MESSAGES * FINDINGS_PER_MESSAGE, 'crash');
    await seedDeadLetters(kit.stack.sqs, kit.stack.deadLetterQueueUrl, Array.from({ length: MESSAGES }, (_, i) => ({
      accountId: customer.accountId, errorCode: 'AssumeRoleDenied', productArn: kit.partner.productArn, partnerId: kit.partner.partnerId,
      findingsOf: all.slice(i * FINDINGS_PER_MESSAGE, (i + 1) * FINDINGS_PER_MESSAGE),
    })));
    folder = await mkdtemp(join(tmpdir(), 'broker-crash-'));
    await writeStackFile(kit.stack, folder);

    // The real CLI, slowed down so it is surely killed mid-run; its short visibility timeout makes what it held reappear soon.
    const child = spawn(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'cli/broker-admin/main.ts'), 'dlq', 'redrive', '--account', customer.accountId, '--rate', '20', '--visibility-timeout', '3', '--json'],
      // A clean environment: the in-process stack set AWS_* and queue variables that would override stack.json.
      { cwd: folder, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', INIT_CWD: folder }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Kill it once it has moved something, well before it could finish (400 findings at 20/s take 20 s).
    const deadline = Date.now() + 30_000;
    while ((await approximateCount(kit.stack.sqs, kit.stack.deliveryQueueUrl)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(child.exitCode, `the CLI ended on its own: ${stderr}`).toBeNull();
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    await new Promise((r) => setTimeout(r, 4_000)); // what it held becomes visible again
    const onDelivery = await readAll(kit.stack.deliveryQueueUrl);
    const inDlq = await readAll(kit.stack.deadLetterQueueUrl);
    expect(onDelivery.length, stderr).toBeGreaterThan(0);
    expect(inDlq.length, 'killed before the end').toBeGreaterThan(0);
    // Nothing lost: every finding is on one queue or the other (a message sent and not yet deleted is on both).
    expect(new Set([...onDelivery, ...inDlq]).size).toBe(MESSAGES * FINDINGS_PER_MESSAGE);

    // Finish the job, then let deliver import everything; duplicates are re-imports with the same UpdatedAt.
    const rest = await redriveDeadLetters({ sqs: kit.stack.sqs, deadLetterQueueUrl: kit.stack.deadLetterQueueUrl, deliveryQueueUrl: kit.stack.deliveryQueueUrl }, {});
    expect(rest.complete).toBe(true);
    kit.stack.poller.start();
    const stored = () => kit.stack.emulator.state.findings(customer.accountId, kit.stack.region).filter((f) => String(f.Id).startsWith('crash-'));
    const deadline2 = Date.now() + 60_000;
    while (stored().length < MESSAGES * FINDINGS_PER_MESSAGE && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 300));
    const findings = stored();
    expect(findings).toHaveLength(MESSAGES * FINDINGS_PER_MESSAGE);
    // Stored once each, exactly as first sent: no duplicate became an update Security Hub would count.
    const original = new Map(all.map((finding) => [String(finding.Id), String(finding.UpdatedAt)]));
    for (const finding of findings) expect(finding.UpdatedAt).toBe(original.get(String(finding.Id)));
  }, 150_000);
});
