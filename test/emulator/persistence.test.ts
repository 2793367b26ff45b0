/**
 * Given a data dir, the emulator keeps what the emulated accounts hold (accounts, keys, roles and their
 * policies, SCPs and RCPs, hubs and subscriptions, findings as imported and as updated) across a stop
 * and start, and across a SIGKILL of the process holding it; test state (faults, counters, the clock's
 * offset, rate-limit buckets) starts afresh.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  BatchImportFindingsCommand, BatchUpdateFindingsCommand, DescribeHubCommand, GetFindingsCommand, ListEnabledProductsForImportCommand, SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '#emulator/index.js';
import {
  BROKER_IMPORT_POLICY, BROKER_PRINCIPAL, CUSTOMER, EXTERNAL_ID, PARTNER, PRODUCT_ARN, READ_BACK_POLICY, REGION, ROLE_NAME,
  failure, finding, policy, trustPolicy, type Credentials,
} from './fixtures.js';

let dataDir: string;
let running: Emulator | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'emulator-state-'));
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<Emulator> {
  await running?.stop();
  running = await startEmulator({ dataDir });
  return running;
}

const ADMIN = `arn:aws:iam::${CUSTOMER}:user/admin`;
const ADMIN_KEY = { accessKeyId: 'AKIACUSTOMERADMIN001', secretAccessKey: 'customer-admin-secret' };
const BROKER_KEY = { accessKeyId: 'AKIAPARTNERBROKER001', secretAccessKey: 'partner-broker-secret' };
const ONBOARDED_ROLE = 'SecurityHubFindingsBroker-onboarded';

const clients = (emulator: Emulator, credentials: Credentials) => ({
  sts: new STSClient({ endpoint: emulator.url, region: REGION, credentials, maxAttempts: 1 }),
  iam: new IAMClient({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 }),
  hub: new SecurityHubClient({ endpoint: emulator.url, region: REGION, credentials, maxAttempts: 1 }),
});

async function assume(emulator: Emulator, roleName: string, externalId?: string): Promise<Credentials> {
  const { sts } = clients(emulator, BROKER_KEY);
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({
    RoleArn: `arn:aws:iam::${CUSTOMER}:role/${roleName}`, RoleSessionName: 'broker-deliver', ...(externalId ? { ExternalId: externalId } : {}),
  }));
  return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
}

describe('emulator state under a data dir', () => {
  it('restores accounts, keys, roles with their policies, SCPs, hubs, subscriptions and findings after a stop', async () => {
    const first = await start();
    first.state.addAccount(PARTNER);
    first.state.addAccessKey({ accountId: PARTNER, principalArn: BROKER_PRINCIPAL, ...BROKER_KEY });
    first.state.addAccessKey({ accountId: CUSTOMER, principalArn: ADMIN, ...ADMIN_KEY });
    const admin = clients(first, ADMIN_KEY);
    // The customer onboards through the APIs, as its engineer would.
    const { Role } = await admin.iam.send(new CreateRoleCommand({
      RoleName: ONBOARDED_ROLE, AssumeRolePolicyDocument: JSON.stringify(trustPolicy({ StringEquals: { 'sts:ExternalId': EXTERNAL_ID } })),
    }));
    await admin.iam.send(new PutRolePolicyCommand({ RoleName: ONBOARDED_ROLE, PolicyName: 'Import', PolicyDocument: JSON.stringify(BROKER_IMPORT_POLICY) }));
    await admin.iam.send(new PutRolePolicyCommand({ RoleName: ONBOARDED_ROLE, PolicyName: 'ReadBack', PolicyDocument: JSON.stringify(READ_BACK_POLICY) }));
    first.state.enableHub(CUSTOMER, REGION);
    first.state.enableProduct(CUSTOMER, REGION, PRODUCT_ARN);
    const session = clients(first, await assume(first, ONBOARDED_ROLE, EXTERNAL_ID));
    await session.hub.send(new BatchImportFindingsCommand({ Findings: [finding({ Id: 'kept-1' }), finding({ Id: 'kept-2' })] }));
    await admin.hub.send(new BatchUpdateFindingsCommand({
      FindingIdentifiers: [{ Id: 'kept-2', ProductArn: PRODUCT_ARN }], Workflow: { Status: 'RESOLVED' }, Severity: { Label: 'LOW' },
    }));
    const identity = await admin.sts.send(new GetCallerIdentityCommand({}));
    const heldBefore = (await admin.hub.send(new GetFindingsCommand({}))).Findings;

    const second = await start();
    const again = clients(second, ADMIN_KEY);
    expect(await again.sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ UserId: identity.UserId, Arn: ADMIN });
    expect((await again.iam.send(new GetRoleCommand({ RoleName: ONBOARDED_ROLE }))).Role).toMatchObject({ RoleId: Role!.RoleId, Arn: Role!.Arn });
    expect(decodeURIComponent((await again.iam.send(new GetRolePolicyCommand({ RoleName: ONBOARDED_ROLE, PolicyName: 'Import' }))).PolicyDocument!))
      .toBe(JSON.stringify(BROKER_IMPORT_POLICY));
    // The trust policy still demands the ExternalId, and the permission policies still allow the import.
    expect(await failure(assume(second, ONBOARDED_ROLE))).toMatchObject({ name: 'AccessDenied' });
    const resumed = clients(second, await assume(second, ONBOARDED_ROLE, EXTERNAL_ID));
    await expect(resumed.hub.send(new BatchImportFindingsCommand({ Findings: [finding({ Id: 'after-restart' })] }))).resolves.toMatchObject({ SuccessCount: 1 });
    expect(second.state.findings(CUSTOMER, REGION).map((f) => f.Id)).toEqual(['kept-1', 'kept-2', 'after-restart']);
    expect((await again.hub.send(new GetFindingsCommand({}))).Findings?.slice(0, 2)).toEqual(heldBefore);
    expect((await again.hub.send(new ListEnabledProductsForImportCommand({}))).ProductSubscriptions).toHaveLength(1);
    expect(second.state.accountIds().sort()).toEqual([PARTNER, CUSTOMER].sort());
  });

  it('keeps service and resource control policies denying after a restart', async () => {
    const first = await start();
    first.state.addAccessKey({ accountId: CUSTOMER, principalArn: ADMIN, ...ADMIN_KEY });
    first.state.addAccessKey({ accountId: PARTNER, principalArn: BROKER_PRINCIPAL, ...BROKER_KEY });
    first.state.putRole({ accountId: CUSTOMER, roleName: ROLE_NAME, trustPolicy: trustPolicy(), unrestricted: true });
    first.state.enableHub(CUSTOMER, REGION);
    first.state.attachServiceControlPolicy(CUSTOMER, policy({ Effect: 'Deny', Action: 'securityhub:DescribeHub', Resource: '*' }));
    first.state.attachResourceControlPolicy(CUSTOMER, policy({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }));
    const second = await start();
    expect(await failure(clients(second, ADMIN_KEY).hub.send(new DescribeHubCommand({}))))
      .toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('in a service control policy') });
    expect(await failure(assume(second, ROLE_NAME))).toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('in a resource control policy') });
  });

  it('keeps deletions: a deleted role, detached SCPs, a disabled hub and an unsubscribed product stay gone', async () => {
    const first = await start();
    first.state.addAccessKey({ accountId: PARTNER, principalArn: BROKER_PRINCIPAL, ...BROKER_KEY });
    first.state.putRole({ accountId: CUSTOMER, roleName: ROLE_NAME, trustPolicy: trustPolicy(), unrestricted: true });
    first.state.enableHub(CUSTOMER, REGION);
    first.state.enableProduct(CUSTOMER, REGION, PRODUCT_ARN);
    first.state.attachServiceControlPolicy(CUSTOMER, policy({ Effect: 'Deny', Action: '*', Resource: '*' }));
    first.state.deleteRole(CUSTOMER, ROLE_NAME);
    first.state.detachServiceControlPolicies(CUSTOMER);
    first.state.disableProduct(CUSTOMER, REGION, PRODUCT_ARN);
    first.state.disableHub(CUSTOMER, REGION);
    const second = await start();
    expect(second.state.roles.get(CUSTOMER, ROLE_NAME)).toBeUndefined();
    expect(second.state.organizationPolicies.serviceControlPolicies(CUSTOMER)).toEqual([]);
    expect(second.state.hubs.hub(CUSTOMER, REGION)).toBeUndefined();
    expect(second.state.hubs.subscriptionArns(CUSTOMER, REGION)).toEqual([]);
  });

  it('starts test state afresh: no faults, no counted calls, no clock offset, a full rate-limit bucket', async () => {
    const first = await start();
    first.state.addAccessKey({ accountId: CUSTOMER, principalArn: ADMIN, ...ADMIN_KEY });
    first.state.enableHub(CUSTOMER, REGION);
    first.state.injectFault({ operation: '*', kind: 'server-error' });
    first.state.advanceClock(10 * 24 * 3600 * 1000);
    await failure(clients(first, ADMIN_KEY).hub.send(new DescribeHubCommand({})));
    const second = await start();
    expect(second.state.calls()).toEqual([]);
    expect(Math.abs(second.state.clock.now() - Date.now())).toBeLessThan(5000);
    await expect(clients(second, ADMIN_KEY).hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });

  it('lets seeding run again over restored state: same keys, same role id, the hub enabled since the first time', async () => {
    const seed = (emulator: Emulator) => {
      emulator.state.addAccount(CUSTOMER);
      emulator.state.addAccessKey({ accountId: CUSTOMER, principalArn: ADMIN, ...ADMIN_KEY });
      emulator.state.putRole({ accountId: CUSTOMER, roleName: ROLE_NAME, trustPolicy: trustPolicy(), permissionPolicies: { ReadBack: READ_BACK_POLICY } });
      emulator.state.enableHub(CUSTOMER, REGION);
      emulator.state.enableProduct(CUSTOMER, REGION, PRODUCT_ARN);
    };
    const first = await start();
    seed(first);
    const before = { role: first.state.roles.get(CUSTOMER, ROLE_NAME)!.roleId, hub: first.state.hubs.hub(CUSTOMER, REGION), user: first.state.credentials.lookup(ADMIN_KEY.accessKeyId)!.caller.userId };
    const second = await start();
    seed(second);
    expect(second.state.roles.get(CUSTOMER, ROLE_NAME)!.roleId).toBe(before.role);
    expect(second.state.hubs.hub(CUSTOMER, REGION)).toEqual(before.hub);
    expect(second.state.hubs.subscriptionArns(CUSTOMER, REGION)).toHaveLength(1);
    expect(second.state.credentials.lookup(ADMIN_KEY.accessKeyId)!.caller.userId).toBe(before.user);
  });

  it('keeps an answered import and a role created through IAM when the process holding the emulator is SIGKILLed right after', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./persistent-emulator-process.ts', import.meta.url)), dataDir],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
    const { url } = JSON.parse(String(first.value)) as { url: string };
    const remote = { url } as Emulator;
    // Seeded over the admin HTTP API: the test does not hold the child's EmulatorState.
    const seed = async (path: string, body: object) => {
      const response = await fetch(`${url}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status, await response.text()).toBe(200);
    };
    await seed('access-keys', { accountId: PARTNER, principalArn: BROKER_PRINCIPAL, ...BROKER_KEY });
    await seed('access-keys', { accountId: CUSTOMER, principalArn: ADMIN, ...ADMIN_KEY });
    await seed('roles', { accountId: CUSTOMER, roleName: ROLE_NAME, trustPolicy: trustPolicy(), permissionPolicies: { Import: BROKER_IMPORT_POLICY, ReadBack: READ_BACK_POLICY } });
    await seed('hubs', { accountId: CUSTOMER, region: REGION });
    await seed('products', { accountId: CUSTOMER, region: REGION, productArn: PRODUCT_ARN });
    const admin = clients(remote, ADMIN_KEY);
    await admin.iam.send(new CreateRoleCommand({ RoleName: ONBOARDED_ROLE, AssumeRolePolicyDocument: JSON.stringify(trustPolicy()) }));
    const sessionKey = await assume(remote, ROLE_NAME);
    const hub = clients(remote, sessionKey).hub;
    const ids = Array.from({ length: 100 }, (_, i) => `answered-${i}`);
    const reply = await hub.send(new BatchImportFindingsCommand({ Findings: ids.map((Id) => finding({ Id })) }));
    // Killed the moment the answer is in: no chance to flush anything after replying.
    child.kill('SIGKILL');
    expect(reply.SuccessCount).toBe(100);
    expect(await exited).toBe('SIGKILL');
    for (const client of [admin.iam, admin.sts, admin.hub, hub]) client.destroy();

    const restarted = await start();
    expect(restarted.state.findings(CUSTOMER, REGION).map((f) => f.Id)).toEqual(ids);
    expect(restarted.state.roles.get(CUSTOMER, ONBOARDED_ROLE)).toMatchObject({ roleName: ONBOARDED_ROLE });
    // The session issued before the kill still signs, until it expires, as STS credentials do.
    await expect(clients(restarted, sessionKey).hub.send(new GetFindingsCommand({ MaxResults: 1 }))).resolves.toMatchObject({ Findings: [expect.anything()] });
  });
});
