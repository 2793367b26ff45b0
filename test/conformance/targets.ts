/**
 * Where the conformance suite runs: the project's emulator (default, in `npm test`) or a real AWS
 * sandbox account (`CONFORMANCE_TARGET=aws npm run test:conformance`, see docs/conformance.md).
 * The suite itself speaks only through the AWS SDK; this file is the one place that knows how a
 * target is provisioned: the emulator is seeded here, a real account is described by environment
 * variables whose resources the operator created once.
 */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startEmulator, type Emulator } from '#emulator/index.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ConformanceTarget {
  name: 'emulator' | 'aws';
  /** The caller's account. */
  accountId: string;
  /** A Region where Security Hub is enabled in the account. */
  region: string;
  /** A Region where Security Hub is not enabled in the account. */
  hubOffRegion: string;
  /** A role in the account that trusts the account with `Condition: StringEquals sts:ExternalId`. */
  roleArn: string;
  externalId: string;
  /** A partner product ARN (in `region`) whose integration the account has not enabled. */
  unsubscribedProductArn: string;
  /** An account id that is not the caller's. */
  foreignAccountId: string;
  /** SDK clients with one attempt each: the suite asserts on the service's first answer. */
  sts(): STSClient;
  securityHub(region?: string, credentials?: Credentials): SecurityHubClient;
  stop(): Promise<void>;
}

/** The variables CONFORMANCE_TARGET=aws reads; docs/conformance.md says how to create what they name. */
export const AWS_TARGET_VARIABLES = {
  CONFORMANCE_REGION: 'a Region where Security Hub (CSPM) is enabled in the sandbox account, e.g. us-east-1',
  CONFORMANCE_HUB_OFF_REGION: 'a Region where Security Hub is NOT enabled in the sandbox account, e.g. us-west-1',
  CONFORMANCE_ROLE_ARN: 'the role created from docs/conformance.md (trusts the account, requires the ExternalId)',
  CONFORMANCE_EXTERNAL_ID: "that role's ExternalId",
  CONFORMANCE_UNSUBSCRIBED_PRODUCT_ARN: 'a partner product ARN in CONFORMANCE_REGION whose integration the account has not enabled',
} as const;

export async function startTarget(which = process.env.CONFORMANCE_TARGET ?? 'emulator'): Promise<ConformanceTarget> {
  if (which === 'emulator') return startEmulatorTarget();
  if (which === 'aws') return awsTarget(process.env);
  throw new Error(`CONFORMANCE_TARGET must be "emulator" (the default) or "aws", got "${which}".`);
}

const ACCOUNT = '210987654321';
const CALLER = `arn:aws:iam::${ACCOUNT}:user/conformance`;

async function startEmulatorTarget(): Promise<ConformanceTarget> {
  const emulator: Emulator = await startEmulator();
  const { state } = emulator;
  const credentials = state.addAccessKey({ accountId: ACCOUNT, principalArn: CALLER });
  const externalId = 'conformance-4b1d7e0c9a8f6e5d4c3b2a19';
  const { roleArn } = state.putRole({
    accountId: ACCOUNT,
    roleName: 'ConformanceImport',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': externalId } } }],
    },
    // As docs/conformance.md creates it in the sandbox account: "It needs no permissions of its own."
    permissionPolicies: {},
  });
  const region = 'us-east-1';
  state.enableHub(ACCOUNT, region);
  return {
    name: 'emulator', accountId: ACCOUNT, region, hubOffRegion: 'us-west-1', roleArn, externalId,
    unsubscribedProductArn: `arn:aws:securityhub:${region}:123456789012:product/conformance/not-enabled`,
    foreignAccountId: '123456789012',
    sts: () => new STSClient({ endpoint: emulator.url, region, credentials, maxAttempts: 1 }),
    securityHub: (r = region, c = credentials) => new SecurityHubClient({ endpoint: emulator.url, region: r, credentials: c, maxAttempts: 1 }),
    stop: () => emulator.stop(),
  };
}

/** Fails at once, naming every missing variable and what it must hold; then checks the credentials work. */
export async function awsTarget(env: NodeJS.ProcessEnv): Promise<ConformanceTarget> {
  const missing = Object.entries(AWS_TARGET_VARIABLES).filter(([name]) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      'CONFORMANCE_TARGET=aws needs a sandbox account described by these variables (see docs/conformance.md):\n' +
        missing.map(([name, what]) => `  ${name}: ${what}`).join('\n'),
    );
  }
  const region = env.CONFORMANCE_REGION!;
  const sts = () => new STSClient({ region, maxAttempts: 1 });
  let accountId: string;
  try {
    accountId = (await sts().send(new GetCallerIdentityCommand({}))).Account!;
  } catch (error) {
    throw new Error(
      `CONFORMANCE_TARGET=aws could not call sts:GetCallerIdentity with the default credential chain (${(error as Error).name}: ${(error as Error).message}). ` +
        'Export credentials for the sandbox account (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN); see docs/conformance.md.',
    );
  }
  return {
    name: 'aws', accountId, region, hubOffRegion: env.CONFORMANCE_HUB_OFF_REGION!, roleArn: env.CONFORMANCE_ROLE_ARN!,
    externalId: env.CONFORMANCE_EXTERNAL_ID!, unsubscribedProductArn: env.CONFORMANCE_UNSUBSCRIBED_PRODUCT_ARN!,
    foreignAccountId: accountId === '123456789012' ? '210987654321' : '123456789012',
    sts,
    securityHub: (r = region, c) => new SecurityHubClient({ region: r, maxAttempts: 1, ...(c ? { credentials: c } : {}) }),
    stop: async () => {},
  };
}
