import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNpm, stopGroup } from '../support/npm-start.js';
import { itWithTool, onPath } from '../support/required-tool.js';

const run = promisify(execFile);
const itWithAws = itWithTool('awscli (`aws` on PATH)', onPath('aws'), 'Install it with `pip install awscli` or `apt-get install awscli`.');

interface StackState {
  apiUrl: string;
  region: string;
  emulatorUrl: string;
  partner: { token: string; productArns: string[] };
  customer: { accountIds: string[]; credentials: { accessKeyId: string; secretAccessKey: string } };
}

let child: ChildProcess;
let folder: string;
let state: StackState;
let output: () => string = () => '';

/** Starts `npm start` exactly as README says, on free ports, and waits for the state file it writes. */
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'broker-start-'));
  // Where `npm start` writes it by default, relative to this folder: the operator CLI finds it with no flags.
  const started = await startNpm<StackState>(join(folder, '.local', 'stack.json'), ['--in-memory']);
  child = started.child;
  state = started.state;
  output = started.output;
}, 60_000);

afterAll(async () => {
  if (child) await stopGroup(child);
  await rm(folder, { recursive: true, force: true });
});

describe('npm start', () => {
  it('delivers a finding POSTed with curl into the customer account, where GetFindings returns it', async () => {
    const [customerAccount] = state.customer.accountIds;
    const finding = {
      SchemaVersion: '2018-10-08', Id: 'curl-finding-1', ProductArn: state.partner.productArns[0], GeneratorId: 'curl-test',
      AwsAccountId: customerAccount, CreatedAt: '2026-01-01T00:00:00Z', UpdatedAt: '2026-01-01T00:00:00Z',
      Title: 'Posted with curl', Description: 'End-to-end through npm start.',
      FindingProviderFields: { Severity: { Label: 'LOW' }, Types: ['Software and Configuration Checks/Vulnerabilities/CVE'] },
      Resources: [{ Type: 'Other', Id: 'curl-resource' }],
    };
    const { stdout } = await run('curl', ['-sS', '-X', 'POST', `${state.apiUrl}/v1/findings`, '-H', `Authorization: Bearer ${state.partner.token}`,
      '-H', 'content-type: application/json', '-d', JSON.stringify({ Findings: [finding] }), '-w', '\n%{http_code}']);
    const [body, httpStatus] = stdout.trim().split('\n');
    expect(httpStatus).toBe('202');
    expect(JSON.parse(body ?? '{}')).toMatchObject({ accepted: 1, results: [{ id: 'curl-finding-1', status: 'accepted' }] });

    const securityHub = new SecurityHubClient({ endpoint: state.emulatorUrl, region: state.region, credentials: state.customer.credentials });
    let found: AwsSecurityFinding[] = [];
    for (let attempt = 0; attempt < 50 && found.length === 0; attempt++) {
      const reply = await securityHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: 'curl-finding-1', Comparison: 'EQUALS' }] } }));
      found = reply.Findings ?? [];
      if (found.length === 0) await sleep(200);
    }
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ AwsAccountId: customerAccount, ProductArn: state.partner.productArns[0] });
    securityHub.destroy();
  });

  it('answers the operator CLI\'s `dlq summary --json` with no flags, from the folder npm start wrote its state in', async () => {
    // npm sets INIT_CWD to the folder it was run from; the environment is the shell's, not a test stack's.
    const { stdout } = await run('npm', ['--prefix', fileURLToPath(new URL('../../', import.meta.url)), 'run', '--silent', 'broker-admin', '--', 'dlq', 'summary', '--json'],
      { cwd: folder, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
    expect(JSON.parse(stdout)).toMatchObject({ messages: expect.any(Number), findings: expect.any(Number), byAccount: expect.any(Object) });
  }, 60_000);

  itWithAws('prints how a new customer onboards, and those commands, run as printed, make its registration ACTIVE', async () => {
    const printed = /^Onboard a new customer.*\n((?: {2}.*\n)+)/m.exec(output());
    expect(printed, output()).not.toBeNull();
    const commands = printed![1]!.split('\n').filter(Boolean).map((line) => line.slice(2));
    expect(commands[0]).toMatch(/^export AWS_ACCESS_KEY_ID=/);
    expect(commands.some((command) => command.startsWith('aws ') && command.includes(' iam create-role '))).toBe(true);
    const { stdout } = await run('bash', ['-e', '-c', commands.join('\n')], { maxBuffer: 16 * 1024 * 1024 });
    const replies = stdout.split(/\n(?=\{)/).map((reply) => JSON.parse(reply) as Record<string, unknown>);
    expect(replies.at(-1)).toMatchObject({ status: 'ACTIVE', problems: [] });
  }, 60_000);

  itWithAws('prints one line of environment for awscli and the operator CLI against the local SQS and DynamoDB, and its commands work as printed', async () => {
    const printed = /^Operate it:.*\n.*\n((?: {2}.*\n)+)/m.exec(output());
    expect(printed, output()).not.toBeNull();
    const commands = printed![1]!.split('\n').filter(Boolean).map((line) => line.slice(2));
    expect(commands[0]).toMatch(/^export AWS_ACCESS_KEY_ID=.* AWS_ENDPOINT_URL_SQS=http:\/\/127\.0\.0\.1:\d+ AWS_ENDPOINT_URL_DYNAMODB=http:\/\/127\.0\.0\.1:\d+ /);
    const { stdout } = await run('bash', ['-e', '-c', commands.join('\n')], { cwd: folder, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
    expect(stdout).toContain('"ApproximateNumberOfMessages"');
    expect(stdout).toContain('"Items"');
  }, 60_000);
});
