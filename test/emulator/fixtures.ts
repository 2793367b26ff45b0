/**
 * Small factories for the emulator tests: a seeded emulator (a partner account running the broker,
 * a customer account with a broker role and Security Hub enabled), real SDK clients pointed at it,
 * and ASFF findings. The customer role holds the least-privilege permissions the broker's customer
 * role template grants (infra/customer-role.yaml), plus GetFindings so tests can read back; a test
 * that needs more grants it explicitly (grant()).
 */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach } from 'vitest';
import type { Emulator } from '#emulator/index.js';
import { startEmulator } from '#emulator/index.js';
import type { Finding } from '#emulator/types.js';

export const PARTNER = '111111111111';
export const CUSTOMER = '222222222222';
export const OTHER = '333333333333';
export const REGION = 'us-east-1';
export const BROKER_PRINCIPAL = `arn:aws:iam::${PARTNER}:role/broker-deliver`;
export const PRODUCT_ARN = `arn:aws:securityhub:${REGION}:${PARTNER}:product/acme/scanner`;
export const EXTERNAL_ID = 'ext-4f3c2a1b9d8e7f60a1b2c3d4e5f60718';
export const ROLE_NAME = 'SecurityHubBrokerImport';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function trustPolicy(condition?: object): object {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: BROKER_PRINCIPAL }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
  };
}

/** A policy document of the given statements. */
export function policy(...statements: object[]): object {
  return { Version: '2012-10-17', Statement: statements };
}

/** The customer's hub, in any Region: the `hub` resource of Security Hub's authorization reference. */
export const CUSTOMER_HUBS = `arn:aws:securityhub:*:${CUSTOMER}:hub/default`;

/**
 * What infra/customer-role.yaml grants the broker in a customer account: BatchImportFindings on the
 * partner's product (any Region, the partner's account), DescribeHub on the customer's hub,
 * ListEnabledProductsForImport on "*".
 */
export const BROKER_IMPORT_POLICY = policy(
  { Sid: 'ImportThePartnersFindings', Effect: 'Allow', Action: 'securityhub:BatchImportFindings', Resource: 'arn:aws:securityhub:*:*:product/acme/scanner' },
  { Sid: 'VerifySecurityHubIsEnabled', Effect: 'Allow', Action: 'securityhub:DescribeHub', Resource: CUSTOMER_HUBS },
  { Sid: 'VerifyProductSubscription', Effect: 'Allow', Action: 'securityhub:ListEnabledProductsForImport', Resource: '*' },
);

/** For tests only: reading the imported findings back. */
export const READ_BACK_POLICY = policy({ Effect: 'Allow', Action: 'securityhub:GetFindings', Resource: CUSTOMER_HUBS });

/** Adds an inline policy (named `policyName`) of these statements to the customer role. */
export function grant(seeded: Seeded, policyName: string, ...statements: object[]): void {
  seeded.emulator.state.putRolePolicy(CUSTOMER, ROLE_NAME, policyName, policy(...statements));
}

export interface Seeded {
  emulator: Emulator;
  brokerKey: Credentials;
  roleArn: string;
}

/** Partner's broker key, the customer's role (ExternalId required), hub + product subscription. */
export async function startSeeded(): Promise<Seeded> {
  const emulator = await startEmulator();
  const { state } = emulator;
  state.addAccount(PARTNER);
  state.addAccount(CUSTOMER);
  const brokerKey = state.addAccessKey({ accountId: PARTNER, principalArn: BROKER_PRINCIPAL });
  const { roleArn } = state.putRole({
    accountId: CUSTOMER,
    roleName: ROLE_NAME,
    trustPolicy: trustPolicy({ StringEquals: { 'sts:ExternalId': EXTERNAL_ID } }),
    permissionPolicies: { SecurityHubFindingsBrokerImport: BROKER_IMPORT_POLICY, ReadFindingsBack: READ_BACK_POLICY },
  });
  state.enableHub(CUSTOMER, REGION);
  state.enableProduct(CUSTOMER, REGION, PRODUCT_ARN);
  return { emulator, brokerKey, roleArn };
}

export function stsClient(emulator: Emulator, credentials: Credentials, region = REGION): STSClient {
  // One attempt: the tests assert on the emulator's first answer, not on the SDK's retries.
  return new STSClient({ endpoint: emulator.url, region, credentials, maxAttempts: 1 });
}

export function securityHubClient(emulator: Emulator, credentials: Credentials, region = REGION): SecurityHubClient {
  return new SecurityHubClient({ endpoint: emulator.url, region, credentials, maxAttempts: 1 });
}

export async function assumeCustomerRole(seeded: Seeded): Promise<Credentials> {
  const sts = stsClient(seeded.emulator, seeded.brokerKey);
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: seeded.roleArn, RoleSessionName: 'broker-deliver', ExternalId: EXTERNAL_ID }));
  return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
}

export interface SeededHub extends Seeded {
  /** Security Hub client on a session of the customer's role, as the broker delivers. */
  hub: SecurityHubClient;
}

/**
 * For the calling test file: before each test, a fresh seeded emulator and a Security Hub client on
 * the customer's role; after it, both closed. The returned object is refilled before every test,
 * so read its members inside tests and hooks, not while the file is being collected.
 */
export function useSeededHub(): SeededHub {
  const current = {} as SeededHub;
  beforeEach(async () => {
    const seeded = await startSeeded();
    Object.assign(current, seeded, { hub: securityHubClient(seeded.emulator, await assumeCustomerRole(seeded)) });
  });
  afterEach(async () => {
    current.hub.destroy();
    await current.emulator.stop();
  });
  return current;
}

export function finding(overrides: Record<string, unknown> = {}): Finding {
  return {
    SchemaVersion: '2018-10-08',
    Id: 'finding-1',
    ProductArn: PRODUCT_ARN,
    GeneratorId: 'acme-scanner-rule-7',
    AwsAccountId: CUSTOMER,
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    CreatedAt: '2025-01-01T00:00:00Z',
    UpdatedAt: '2025-01-01T00:00:00Z',
    Severity: { Label: 'HIGH' },
    Title: 'Outdated OpenSSL',
    Description: 'OpenSSL 1.0.2 is installed on the instance.',
    Resources: [{ Type: 'AwsEc2Instance', Id: 'arn:aws:ec2:us-east-1:222222222222:instance/i-0abc' }],
    ...overrides,
  } as Finding;
}

/** The rejected promise's error, for assertions on name, message and HTTP status. */
export async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
