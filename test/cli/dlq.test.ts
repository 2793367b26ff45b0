import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { writeStackFile } from '../support/stack-file.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_BROKER, type LocalStack } from '#infra/local/stack.js';
import { parseDeliveryMessage } from '#shared/queue/delivery-message.js';
import { bundledCli, type CliRunner } from '../support/cli-bundle.js';
import { seedDeadLetters } from '../support/dead-letters.js';
import { addCustomer, addPartner, startBroker } from '../support/local-broker.js';

const execute = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const A = '222222222222';
const B = '333333333333';
const C = '444444444444';
const DAY = 86_400_000;

let stack: LocalStack;
/** A folder holding .local/stack.json, as `npm start` writes it: the CLI runs there with no flags. */
let local: string;
/** A folder with nothing in it. */
let empty: string;
/** The operator's shell: nothing of the test process's AWS configuration (the local stack set its own). */
let env: NodeJS.ProcessEnv;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let bundled: CliRunner;

/**
 * Runs the real CLI from `cwd`: through `npm run broker-admin` as an operator would when `viaNpm`,
 * else its bundle (the same code, a quarter of the start-up time; test/support/cli-bundle.ts).
 */
async function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; viaNpm?: boolean } = {}): Promise<Run> {
  const cwd = options.cwd ?? local;
  if (!options.viaNpm) return bundled(args, { cwd, env: options.env ?? env });
  try {
    const { stdout, stderr } = await execute('npm', ['--prefix', ROOT, 'run', '--silent', 'broker-admin', '--', ...args], { cwd, env: options.env ?? env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Run;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const result = await cli([...args, '--json']);
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as T;
}

/** Receives and deletes everything visible on a queue now: what a consumer would get at once. */
async function drain(queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await stack.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 30, WaitTimeSeconds: 0,
    }));
    if (Messages.length === 0) return all;
    all.push(...Messages);
    await stack.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
}

const code = (message: Message) => message.MessageAttributes?.ErrorCode?.StringValue;
const account = (message: Message) => parseDeliveryMessage(message.Body!).accountId;
const nonEmptyLines = (text: string) => text.split('\n').filter((line) => line.trim().length > 0);

beforeAll(async () => {
  bundled = await bundledCli('cli/broker-admin/main.ts');
  stack = await startBroker();
  // Nothing consumes the delivery queue: what the CLI redrives stays there to be counted.
  await stack.poller.stop();
  local = await mkdtemp(join(tmpdir(), 'broker-admin-dlq-'));
  empty = await mkdtemp(join(tmpdir(), 'broker-admin-empty-'));
  await writeStackFile(stack, local);
  const shell = Object.entries(process.env).filter(([name]) =>
    !/^(AWS_|TABLE_NAME$|DEAD_LETTER_QUEUE_URL$|DELIVERY_QUEUE_URL$|BROKER_STACK_NAME$|INIT_CWD$|DELIVERY_PRINCIPAL_ARN$|VERIFIER_PRINCIPAL_ARN$)/.test(name));
  env = {
    ...Object.fromEntries(shell), AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(empty, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(empty, 'no-credentials'),
  };
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await rm(local, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

beforeEach(async () => {
  await drain(stack.deadLetterQueueUrl);
  await drain(stack.deliveryQueueUrl);
  await seedDeadLetters(stack.sqs, stack.deadLetterQueueUrl, [
    { accountId: A, errorCode: 'AssumeRoleDenied', findings: 3, partnerId: 'acme', failedAt: new Date(Date.now() - 3 * DAY).toISOString() },
    { accountId: A, errorCode: 'SecurityHubNotEnabled', findings: 2, partnerId: 'acme' },
    { accountId: B, errorCode: 'AssumeRoleDenied', findings: 4, partnerId: 'globex', submissionId: 'sub-b' },
    { accountId: B, errorCode: 'SecurityHubNotEnabled', findings: 1, partnerId: 'globex', submissionId: 'sub-b' },
    { accountId: B, errorCode: 'ignored', findings: 1, partnerId: 'globex', bare: true },
  ]);
});

describe('npm run broker-admin -- dlq', () => {
  it('summarises the local stack\'s DLQ with no flags at all, from the folder holding .local/stack.json', async () => {
    const summary = await json<{ messages: number; findings: number; byAccount: Record<string, unknown>; byErrorCode: Record<string, unknown>; byPartner: Record<string, unknown> }>('dlq', 'summary');
    expect(summary).toMatchObject({ messages: 5, findings: 11 });
    expect(summary.byAccount).toMatchObject({ [A]: { messages: 2, findings: 5 }, [B]: { messages: 3, findings: 6 } });
    expect(summary.byErrorCode).toMatchObject({ AssumeRoleDenied: { messages: 2, findings: 7 }, SecurityHubNotEnabled: { messages: 2, findings: 3 }, RetriesExhausted: { messages: 1 } });
    expect(summary.byPartner).toMatchObject({ acme: { messages: 2 }, globex: { messages: 3 } });
    const human = await cli(['dlq', 'summary'], { viaNpm: true });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/5 messages, 11 findings; the oldest first failed 3d( \d+h)? ago/);
    expect(human.stderr).toMatch(/^Counted 5 messages \(11 findings\)/m);
  }, 60_000);

  it('lists with filters, finding ids in --json, and leaves every message in the DLQ', async () => {
    const views = await json<Array<{ accountId: string; errorCode: string; findingIds: string[] }>>('dlq', 'list', '--account', A, '--error-code', 'AssumeRoleDenied');
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ accountId: A, errorCode: 'AssumeRoleDenied', findingCount: 3 });
    expect(views[0]!.findingIds).toHaveLength(3);
    const either = await json<Array<{ accountId: string }>>('dlq', 'list', '--account', `${A},${B}`, '--error-code', 'SecurityHubNotEnabled');
    expect(either.map((view) => view.accountId).sort()).toEqual([A, B]);
    expect(await json<unknown[]>('dlq', 'list', '--older-than', '2d')).toHaveLength(1);
    const human = await cli(['dlq', 'list', '--submission', 'sub-b']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^MESSAGE ID +ACCOUNT +REGION/);
    expect(human.stdout.match(new RegExp(`^\\S+ +${B} `, 'gm'))).toHaveLength(2);
    expect(human.stdout).toMatch(/^ {4}AssumeRoleDenied: fix it$/m);
    // Flags and the environment instead of stack.json: another folder, explicit endpoint and credentials.
    const flagged = await cli(['dlq', 'list', '--json', '--dead-letter-queue-url', stack.deadLetterQueueUrl, '--aws-region', stack.region], {
      cwd: empty, env: { ...env, AWS_ENDPOINT_URL_SQS: stack.sqsIpEndpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
    });
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(JSON.parse(flagged.stdout)).toHaveLength(5);
    expect(await drain(stack.deadLetterQueueUrl)).toHaveLength(5);
  }, 60_000);

  it('refuses a bad --older-than with one line and exit 2', async () => {
    const result = await cli(['dlq', 'list', '--older-than', '3x']);
    expect(result.code).toBe(2);
    const [first, ...rest] = nonEmptyLines(result.stderr);
    expect(first).toMatch(/^error: option '--older-than <duration>' argument '3x' is invalid\. Give a duration such as 30m, 2h or 7d/);
    expect(rest).toEqual([expect.stringMatching(/--help' for usage/)]);
    expect(result.stdout).toBe('');
  }, 30_000);

  it('moves nothing on a dry run', async () => {
    const report = await json('dlq', 'redrive', '--account', A, '--dry-run');
    expect(report).toMatchObject({ dryRun: true, matchedMessages: 2, matchedFindings: 5 });
    expect(await drain(stack.deliveryQueueUrl)).toHaveLength(0);
    expect(await drain(stack.deadLetterQueueUrl)).toHaveLength(5);
    const [record] = await json<Array<Record<string, unknown>>>('dlq', 'audit', '--limit', '1');
    expect(record).toMatchObject({ action: 'redrive', dryRun: true, filter: { accounts: [A] }, messages: 2, findings: 5 });
  }, 60_000);

  it('redrives exactly account A\'s messages, with their history, and leaves B\'s visible in the DLQ at once', async () => {
    const report = await json('dlq', 'redrive', '--account', A);
    expect(report).toMatchObject({ matchedMessages: 2, matchedFindings: 5, failedMessages: 0, complete: true });
    const moved = await drain(stack.deliveryQueueUrl);
    expect(moved).toHaveLength(2);
    for (const message of moved) {
      const body = parseDeliveryMessage(message.Body!);
      expect(body.accountId).toBe(A);
      expect(body.history).toMatchObject({ redrives: 1, firstErrorMessage: expect.stringMatching(/fix it/) });
    }
    expect(moved.map((message) => parseDeliveryMessage(message.Body!).history?.firstErrorCode).sort()).toEqual(['AssumeRoleDenied', 'SecurityHubNotEnabled']);
    // Right after the CLI ends: the messages it looked at and kept are visible again, not hidden for 60 s.
    const left = await drain(stack.deadLetterQueueUrl);
    expect(left.map(account)).toEqual([B, B, B]);
  }, 60_000);

  it('refuses to purge without --yes when stdin is no terminal', async () => {
    const result = await cli(['dlq', 'purge', '--error-code', 'AssumeRoleDenied']);
    expect(result.code).toBe(2);
    expect(nonEmptyLines(result.stderr)).toEqual([expect.stringMatching(/^error: .*pass --yes\.$/)]);
    expect(await drain(stack.deadLetterQueueUrl)).toHaveLength(5);
  }, 30_000);

  it('purges only the error code asked for, and the audit log names the operator', async () => {
    const report = await json('dlq', 'purge', '--error-code', 'SecurityHubNotEnabled', '--yes');
    expect(report).toMatchObject({ matchedMessages: 2, matchedFindings: 3, confirmed: true });
    const left = await drain(stack.deadLetterQueueUrl);
    expect(left).toHaveLength(3);
    expect(left.map(code)).not.toContain('SecurityHubNotEnabled');
    const [record] = await json<Array<Record<string, unknown>>>('dlq', 'audit');
    expect(record).toMatchObject({ action: 'purge', by: LOCAL_BROKER.operatorArn, filter: { errorCodes: ['SecurityHubNotEnabled'] }, messages: 2, findings: 3 });
    const human = await cli(['dlq', 'audit', '--limit', '3']);
    expect(human.stdout).toMatch(new RegExp(`purge +${LOCAL_BROKER.operatorArn.replace(/[/]/g, '\\/')} +2 +3 +errorCodes=SecurityHubNotEnabled`));
  }, 60_000);

  it('redrives --all by walking the queue where SQS has no move tasks (fauxqs), and says so', async () => {
    const result = await cli(['dlq', 'redrive', '--all']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/No move task: this SQS has no StartMessageMoveTask \(InvalidAction.*walking the queue instead/);
    expect(result.stdout).toMatch(/5 messages \(11 findings\) from the whole DLQ went back to the delivery queue/);
    expect(await drain(stack.deliveryQueueUrl)).toHaveLength(5);
    expect(await drain(stack.deadLetterQueueUrl)).toHaveLength(0);
    const [record] = await json<Array<Record<string, unknown>>>('dlq', 'audit', '--limit', '1');
    expect(record).toMatchObject({ action: 'redrive-all', filter: {}, messages: 5, findings: 11, by: LOCAL_BROKER.operatorArn });
    const usage = await cli(['dlq', 'redrive', '--all', '--account', A]);
    expect(usage.code).toBe(2);
  }, 60_000);

  it('answers --help with exit 0, and an unknown flag or command with one line and exit 2', async () => {
    for (const args of [['--help'], ['dlq', '--help'], ['dlq', 'redrive', '--help']]) {
      const help = await cli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run broker-admin -- /);
    }
    for (const [args, message] of [[['dlq', 'list', '--bogus'], /^error: unknown option '--bogus'$/], [['dlq', 'frobnicate'], /^error: unknown command 'frobnicate'/]] as const) {
      const refused = await cli([...args]);
      expect(refused.code).toBe(2);
      const [first, ...rest] = nonEmptyLines(refused.stderr);
      expect(first).toMatch(message);
      expect(rest).toEqual([expect.stringMatching(/^Run 'npm run broker-admin -- dlq.* --help' for usage\.$/)]);
    }
  }, 60_000);

  it('says which flag, variable or stack output is missing, in one line with exit 2', async () => {
    const noQueue = await cli(['dlq', 'summary'], { cwd: empty });
    expect(noQueue.code).toBe(2);
    expect(nonEmptyLines(noQueue.stderr)).toEqual([expect.stringMatching(/^error: No dead-letter queue: pass --dead-letter-queue-url, set DEAD_LETTER_QUEUE_URL, or .*--stack-name.*DeadLetterQueueUrl/)]);
    const noTable = await cli(['dlq', 'audit'], { cwd: empty });
    expect(noTable.code).toBe(2);
    expect(nonEmptyLines(noTable.stderr)).toEqual([expect.stringMatching(/^error: No registry table: pass --table, set TABLE_NAME/)]);
  }, 30_000);

  it('says in one line that AWS credentials are missing or unknown (exit 1), before touching a message', async () => {
    const unknown = await mkdtemp(join(tmpdir(), 'broker-admin-unknown-'));
    try {
      await mkdir(join(unknown, '.local'));
      const file = JSON.parse(await readFile(join(local, '.local', 'stack.json'), 'utf8')) as { operator: { credentials: object } };
      file.operator.credentials = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'nobody-knows-this' };
      await writeFile(join(unknown, '.local', 'stack.json'), JSON.stringify(file));
      const refused = await cli(['dlq', 'purge', '--error-code', 'AssumeRoleDenied', '--yes'], { cwd: unknown });
      expect(refused.code).toBe(1);
      expect(nonEmptyLines(refused.stderr)).toEqual([expect.stringMatching(/^error: AWS credentials are missing or invalid \(InvalidClientTokenId: /)]);
    } finally {
      await rm(unknown, { recursive: true, force: true });
    }
    const none = await cli(['dlq', 'list', '--dead-letter-queue-url', stack.deadLetterQueueUrl, '--aws-region', stack.region], {
      cwd: empty, env: { ...env, AWS_ENDPOINT_URL_SQS: stack.sqsIpEndpoint },
    });
    expect(none.code).toBe(1);
    expect(nonEmptyLines(none.stderr)).toEqual([expect.stringMatching(/^error: AWS credentials are missing or invalid \(CredentialsProviderError: /)]);
    expect(await drain(stack.deadLetterQueueUrl)).toHaveLength(5);
  }, 60_000);

  it('redrives a registration\'s waiting dead letters when set-status makes it ACTIVE (self-healing)', async () => {
    const partner = await addPartner(stack, 'acme', 'acme', 'scanner');
    await addCustomer(stack, partner, { accountId: C, mode: 'partner-account', status: 'PENDING' });
    await seedDeadLetters(stack.sqs, stack.deadLetterQueueUrl, [{ accountId: C, errorCode: 'RegistrationNotActive', findings: 2, productArn: partner.productArn }]);
    const view = await json<{ status: string; redriven: { messages: number; findings: number } }>(
      'set-status', '--account-id', C, '--product-key', partner.productKey, '--status', 'ACTIVE');
    expect(view).toMatchObject({ status: 'ACTIVE', redriven: { messages: 1, findings: 2, complete: true } });
    expect((await drain(stack.deliveryQueueUrl)).map(account)).toEqual([C]);
    expect(await drain(stack.deadLetterQueueUrl)).toHaveLength(5);
  }, 60_000);
});
