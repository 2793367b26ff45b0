import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '#shared/auth/partner-tokens.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { ensureTable, startDynamo, type LocalDynamo } from '#infra/local/dynamo.js';
import { bundledCli, type CliRunner } from '../support/cli-bundle.js';

const run = promisify(execFile);
const TABLE = 'admin-cli-test';
const PRODUCT_ARN = 'arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner';
let dynamo: LocalDynamo;
let registry: DynamoRegistry;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  bundled = await bundledCli('cli/broker-admin/main.ts');
  dynamo = await startDynamo(0);
  env = { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', TABLE_NAME: TABLE };
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(client, TABLE);
  registry = new DynamoRegistry(client, TABLE);
});
afterAll(async () => dynamo?.stop());

let bundled: CliRunner;

/**
 * Runs the CLI and parses the JSON it prints (--json: exactly one document on stdout): as an
 * operator would through `npm run broker-admin` when `viaNpm`, else its bundle (the same code, a
 * quarter of the start-up time; test/support/cli-bundle.ts).
 */
async function admin(...args: string[]): Promise<Record<string, string>> {
  const result = await bundled([...args, '--json'], { env });
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout);
}

async function adminViaNpm(...args: string[]): Promise<Record<string, string>> {
  const { stdout } = await run('npm', ['run', '--silent', 'broker-admin', '--', ...args, '--json'], { env });
  return JSON.parse(stdout);
}

/** Runs the CLI expecting a refusal: its exit code and what it told the operator. */
async function refused(...args: string[]): Promise<{ code: number; stderr: string }> {
  const result = await bundled(args, { env });
  if (result.code === 0) throw new Error(`broker-admin ${args.join(' ')} succeeded but should have been refused`);
  return { code: result.code, stderr: result.stderr };
}

const addRegistration = (...flags: string[]) => ['add-registration', '--partner-id', 'acme', '--product-arn', PRODUCT_ARN, ...flags];

describe('operator CLI', () => {
  it('adds a partner, issues a token that verifies, and revokes it', async () => {
    await adminViaNpm('add-partner', '--partner-id', 'acme', '--name', 'Acme', '--product-arn', PRODUCT_ARN);
    expect((await registry.getPartner('acme'))?.productArns).toEqual([PRODUCT_ARN]);
    const issued = await admin('issue-token', '--partner-id', 'acme');
    expect(await verifyToken(issued.token!, registry)).toMatchObject({ partnerId: 'acme' });
    await admin('revoke-token', '--token-id', issued.tokenId!);
    expect(await verifyToken(issued.token!, registry)).toBeUndefined();
  }, 60_000);

  it('registers a customer PENDING, with a broker-issued ExternalId the operator cannot choose, and the role stored unverified', async () => {
    const created = await admin(...addRegistration('--account-id', '222222222222', '--role-arn', 'arn:aws:iam::222222222222:role/SecurityHubFindingsBroker-acme'));
    expect(created.externalId).toMatch(/^[\w-]{43}$/);
    const stored = await registry.getRegistration('222222222222', 'acme/scanner');
    expect(stored).toMatchObject({ status: 'PENDING', regions: ['eu-west-1'], mode: 'cross-account-role', externalId: created.externalId,
      roleArn: 'arn:aws:iam::222222222222:role/SecurityHubFindingsBroker-acme' });
    expect(stored?.history?.[0]?.by).toMatch(/^operator:/);
  }, 60_000);

  it.each([
    ['a role ARN that is no ARN', ['--account-id', '200000000001', '--role-arn', 'not-an-arn'], 1, /InvalidRoleArn/],
    ['a user ARN as the role', ['--account-id', '200000000002', '--role-arn', 'arn:aws:iam::200000000002:user/SecurityHubFindingsBroker-x'], 1, /InvalidRoleArn: .*user ARN/],
    ['a role in another account', ['--account-id', '200000000003', '--role-arn', 'arn:aws:iam::999999999999:role/SecurityHubFindingsBroker-x'], 1, /RoleInOtherAccount/],
    ['account abc', ['--account-id', 'abc'], 2, /12-digit/],
    ['Region mars-1', ['--account-id', '200000000004', '--region', 'mars-1'], 1, /InvalidRegion: .*eu-west-1/],
  ])('refuses %s and stores nothing wrong', async (_what, flags, exitCode, message) => {
    const result = await refused(...addRegistration(...flags));
    expect(result.code).toBe(exitCode);
    expect(result.stderr).toMatch(message);
  }, 60_000);

  it('refuses a partner that does not exist and a product the partner does not own', async () => {
    expect((await refused('add-registration', '--partner-id', 'nobody', '--product-arn', PRODUCT_ARN, '--account-id', '200000000005')).stderr).toMatch(/no partner nobody/);
    const other = 'arn:aws:securityhub:eu-west-1:111111111111:product/globex/radar';
    await admin('add-partner', '--partner-id', 'globex', '--name', 'Globex', '--product-arn', other);
    const notOwned = await refused('add-registration', '--partner-id', 'acme', '--product-arn', other, '--account-id', '200000000006');
    expect(notOwned.stderr).toMatch(/ProductNotOwned/);
    expect((await refused('add-partner', '--partner-id', 'copycat', '--name', 'Copycat', '--product-arn', other)).stderr).toMatch(/already belongs to partner globex/);
  }, 60_000);

  it('issues one ExternalId when five operators add the same registration at once', async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => admin(...addRegistration('--account-id', '200000000007'))));
    expect(new Set(runs.map((r) => r.externalId)).size).toBe(1);
    expect((await registry.getRegistration('200000000007', 'acme/scanner'))?.externalId).toBe(runs[0]!.externalId);
  }, 60_000);

  it('never resurrects an offboarded registration, and activates a cross-account-role one only by verification', async () => {
    await admin(...addRegistration('--account-id', '200000000008'));
    expect((await refused('set-status', '--account-id', '200000000008', '--product-key', 'acme/scanner', '--status', 'ACTIVE')).stderr).toMatch(/VerificationRequired/);
    await admin('set-status', '--account-id', '200000000008', '--product-key', 'acme/scanner', '--status', 'OFFBOARDED');
    const again = await admin(...addRegistration('--account-id', '200000000008'));
    expect(again.status).toBe('OFFBOARDED');
    expect((await refused('set-status', '--account-id', '200000000008', '--product-key', 'acme/scanner', '--status', 'PENDING')).stderr).toMatch(/RegistrationOffboarded/);
    expect((await registry.getRegistration('200000000008', 'acme/scanner'))?.status).toBe('OFFBOARDED');
  }, 60_000);
});
