/**
 * The emulated AWS accounts outlive `npm start`, as real ones outlive the broker: a customer onboarded
 * through the emulator's IAM and Security Hub APIs, and the findings already imported into its hub,
 * are still there after a restart on the same data dir (emulator state under <data-dir>/emulator).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { EnableImportFindingsForProductCommand, EnableSecurityHubCommand, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { signedFetch } from '#infra/local/signed-fetch.js';
import { startNpm, stopGroup } from '../support/npm-start.js';
import { aFinding } from '../shared/asff/finding-factory.js';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

interface State {
  apiUrl: string;
  region: string;
  emulatorUrl: string;
  endpoints: { sqs: string };
  deadLetterQueueUrl: string;
  partner: { token: string; productArns: string[] };
  newCustomer: { accountId: string; credentials: Credentials };
}

let folder: string;
let child: ChildProcess | undefined;
afterAll(async () => {
  if (child) await stopGroup(child);
  if (folder) await rm(folder, { recursive: true, force: true });
});

let printed: () => string = () => '';

/** What npm start printed once its banner is complete (it is written right after the state file). */
async function banner(): Promise<string> {
  for (let waited = 0; waited < 10_000 && !printed().includes('Ctrl-C stops it'); waited += 100) await sleep(100);
  return printed();
}

async function npmStart(): Promise<State> {
  const stateFile = join(folder, '.local', 'stack.json');
  await rm(stateFile, { force: true });
  const started = await startNpm<State>(stateFile, ['--data-dir', join(folder, 'data')]);
  child = started.child;
  printed = started.output;
  return started.state;
}

/** The customer's engineer's side: its own IAM and Security Hub, and the signed onboarding API. */
function customerOf(state: State) {
  const { credentials } = state.newCustomer;
  return {
    iam: new IAMClient({ endpoint: state.emulatorUrl, region: 'us-east-1', credentials }),
    securityHub: new SecurityHubClient({ endpoint: state.emulatorUrl, region: state.region, credentials }),
    async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
      const response = await signedFetch(`${state.apiUrl}${path}`, { method, region: state.region, credentials, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: await response.json() };
    },
    destroy() {
      this.iam.destroy();
      this.securityHub.destroy();
    },
  };
}

async function postFinding(state: State, finding: object): Promise<number> {
  const response = await fetch(`${state.apiUrl}/v1/findings`, {
    method: 'POST', headers: { authorization: `Bearer ${state.partner.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ Findings: [finding] }),
  });
  return response.status;
}

/** Polls the customer's hub for the finding, as the customer would after the partner posted it. */
async function imported(securityHub: SecurityHubClient, id: string): Promise<number> {
  for (let attempt = 0; attempt < 75; attempt++) {
    const { Findings = [] } = await securityHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: id, Comparison: 'EQUALS' }] } }));
    if (Findings.length > 0) return Findings.length;
    await sleep(200);
  }
  return 0;
}

describe('npm start restarted on the same data dir keeps the emulated accounts', () => {
  it('keeps a customer onboarded through the IAM API and its imported finding, and delivers to it after the restart', async () => {
    folder = await mkdtemp(join(tmpdir(), 'broker-accounts-restart-'));
    const first = await npmStart();
    const [productArn] = first.partner.productArns;
    const productKey = productArn!.split(':product/')[1]!;
    const accountId = first.newCustomer.accountId;
    const customer = customerOf(first);

    const registered = await customer.call('POST', '/v1/registrations', { product: productKey, regions: [first.region] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const setup = registered.body.setup as { roleName: string; trustPolicy: object; permissionsPolicy: object };
    const { Role } = await customer.iam.send(new CreateRoleCommand({ RoleName: setup.roleName, AssumeRolePolicyDocument: JSON.stringify(setup.trustPolicy) }));
    await customer.iam.send(new PutRolePolicyCommand({ RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport', PolicyDocument: JSON.stringify(setup.permissionsPolicy) }));
    await customer.securityHub.send(new EnableSecurityHubCommand({}));
    await customer.securityHub.send(new EnableImportFindingsForProductCommand({ ProductArn: productArn }));
    const set = await customer.call('PUT', `/v1/registrations/${productKey}/role`, { roleArn: Role!.Arn });
    expect(set.body.status, JSON.stringify(set.body)).toBe('ACTIVE');
    expect(await postFinding(first, aFinding({ Id: 'imported-before-restart', ProductArn: productArn, AwsAccountId: accountId }))).toBe(202);
    expect(await imported(customer.securityHub, 'imported-before-restart')).toBe(1);
    customer.destroy();
    await stopGroup(child!);

    const second = await npmStart();
    // The printed onboarding commands would now fail (the role and registration exist): it says so instead.
    const text = await banner();
    expect(text).toContain(`Customer account ${accountId} onboarded in an earlier run on this data dir (registration ACTIVE)`);
    expect(text).not.toContain('iam create-role');
    const after = customerOf(second);
    expect((await after.iam.send(new GetRoleCommand({ RoleName: setup.roleName }))).Role).toMatchObject({ RoleId: Role!.RoleId, Arn: Role!.Arn });
    expect(await imported(after.securityHub, 'imported-before-restart')).toBe(1);
    // The role is still there, so delivery to the customer goes on instead of dead-lettering.
    expect(await postFinding(second, aFinding({ Id: 'posted-after-restart', ProductArn: productArn, AwsAccountId: accountId }))).toBe(202);
    expect(await imported(after.securityHub, 'posted-after-restart')).toBe(1);
    after.destroy();
    const sqs = new SQSClient({ region: second.region, endpoint: second.endpoints.sqs, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: second.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    sqs.destroy();
    expect(Messages).toEqual([]);
    await stopGroup(child!);
  }, 150_000);
});
