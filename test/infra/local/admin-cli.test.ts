import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '#shared/auth/partner-tokens.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { ensureTable, startDynamo, type LocalDynamo } from '#infra/local/dynamo.js';

const run = promisify(execFile);
const TABLE = 'admin-cli-test';
const PRODUCT_ARN = 'arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner';
let dynamo: LocalDynamo;
let registry: DynamoRegistry;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dynamo = await startDynamo(0);
  env = { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', TABLE_NAME: TABLE };
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(client, TABLE);
  registry = new DynamoRegistry(client, TABLE);
});
afterAll(async () => dynamo?.stop());

/** Runs the CLI as an operator would and parses the JSON it prints. */
async function admin(...args: string[]): Promise<Record<string, string>> {
  const { stdout } = await run('npm', ['run', '--silent', 'broker-admin', '--', ...args], { env });
  return JSON.parse(stdout);
}

describe('operator CLI', () => {
  it('adds a partner, issues a token that verifies, and revokes it', async () => {
    await admin('add-partner', '--partner-id', 'acme', '--name', 'Acme', '--product-arn', PRODUCT_ARN);
    expect((await registry.getPartner('acme'))?.productArns).toEqual([PRODUCT_ARN]);
    const issued = await admin('issue-token', '--partner-id', 'acme');
    expect(await verifyToken(issued.token!, registry)).toMatchObject({ partnerId: 'acme' });
    await admin('revoke-token', '--token-id', issued.tokenId!);
    expect(await verifyToken(issued.token!, registry)).toBeUndefined();
  }, 60_000);

  it('registers a customer with a broker-issued ExternalId the operator cannot choose', async () => {
    const created = await admin('add-registration', '--partner-id', 'acme', '--account-id', '222222222222', '--product-arn', PRODUCT_ARN,
      '--role-arn', 'arn:aws:iam::222222222222:role/SecurityHubFindingsBroker-acme');
    expect(created.externalId).toMatch(/^[\w-]{43}$/);
    const stored = await registry.getRegistration('222222222222', 'acme/scanner');
    expect(stored).toMatchObject({ status: 'ACTIVE', regions: ['eu-west-1'], mode: 'cross-account-role', externalId: created.externalId });
  }, 60_000);
});
