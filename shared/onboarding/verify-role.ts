import { randomBytes } from 'node:crypto';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import {
  BatchImportFindingsCommand, DescribeHubCommand, paginateListEnabledProductsForImport, SecurityHubClient, type BatchImportFindingsCommandOutput,
} from '@aws-sdk/client-securityhub';
import type { AssumedCredentials } from '../credentials/credential-resolver.js';
import { subscriptionCovers } from '../delivery/access-diagnosis.js';
import {
  classifyDiagnosedAccess, classifyFailedFinding, classifyVerificationError, confusedDeputyFailure, type Failure, type VerificationContext, type VerificationStep,
} from '../diagnostics/failure-catalog.js';
import { awsErrorName } from '../errors.js';
import { ASSUME_ROLE_MIN_SESSION_SECONDS } from '../limits.js';
import { parseProductArn } from '../product/product-arn.js';
import type { CheckResult, Verification, VerificationCheck } from '../registry/model.js';
import type { BrokerPrincipals } from './role-documents.js';
import { verificationFinding } from './verification-finding.js';

export interface RoleVerifierDeps {
  /** STS with the verifier principal's own credentials. */
  sts: STSClient;
  /** A Security Hub client for the assumed role in one Region (the verifier destroys it after use). */
  securityHub?: (region: string, credentials: AssumedCredentials) => SecurityHubClient;
  principals: BrokerPrincipals;
  /** Session name for the verifier's AssumeRole calls (the deliver role's prefix, `-verify`). */
  sessionName: string;
  now?: () => Date;
}

export interface RoleUnderTest {
  accountId: string;
  roleArn: string;
  externalId: string;
  /** The partner's product ARN in each registered Region. */
  productArns: string[];
}

type Outcome = { ok: true; credentials: AssumedCredentials } | { ok: false; error: unknown };

/** Security Hub clients for a verification's calls, at `endpoint` when Security Hub is not AWS's (the local stack's emulator). */
export function verificationSecurityHub(endpoint?: string) {
  return (region: string, credentials: AssumedCredentials) => new SecurityHubClient({ region, credentials, maxAttempts: 3, ...(endpoint ? { endpoint } : {}) });
}

const defaultSecurityHub = verificationSecurityHub();

/**
 * Everything the broker must know before it sends a customer's findings, proved by real calls, not
 * by reading policy text:
 * 1. AssumeRole with the issued ExternalId succeeds (the role exists and trusts the broker with it);
 * 2. AssumeRole without an ExternalId fails, and 3. with another ExternalId fails (otherwise the role
 *    is open to confused-deputy use: refused);
 * then in each registered Region, with the assumed credentials:
 * 4. DescribeHub answers (Security Hub is enabled there);
 * 5. ListEnabledProductsForImport lists the product's subscription (the integration is enabled);
 * 6. BatchImportFindings imports the broker's verification finding (the role may import for this
 *    product: the answer of the real call, IAM, SCPs and RCPs included).
 * A check that cannot run because an earlier one failed is `skipped`. Throttling or a 5xx makes the
 * verification `inconclusive`: nothing about the role is concluded from it.
 */
export async function verifyRole(role: RoleUnderTest, deps: RoleVerifierDeps): Promise<Omit<Verification, 'by'>> {
  const now = deps.now ?? (() => new Date());
  const makeClient = deps.securityHub ?? defaultSecurityHub;
  const checks: CheckResult[] = [];
  const transient: Failure[] = [];
  const context = (region: string, productArn?: string): VerificationContext => ({
    accountId: role.accountId, region, roleArn: role.roleArn, principals: [deps.principals.delivery, deps.principals.verifier],
    ...(productArn ? { productArn } : {}),
  });
  const record = (check: VerificationCheck, region: string | undefined, failure?: Failure): void => {
    if (failure?.kind === 'transient') transient.push(failure);
    checks.push(result(check, region, failure));
  };
  const skip = (check: VerificationCheck, region?: string): void => {
    checks.push({ check, ...(region ? { region } : {}), outcome: 'skipped' });
  };

  const withId = await assume(deps, role.roleArn, role.externalId);
  const global = context('');
  record('assumeRoleWithExternalId', undefined, withId.ok ? undefined : classifyVerificationError('assumeRoleWithExternalId', withId.error, global));
  const withoutId = await assume(deps, role.roleArn, undefined);
  // Refused both ways says nothing about the ExternalId condition (the role may not exist): skipped.
  if (!withId.ok && !withoutId.ok && !refusalFailure(withoutId, 'no-external-id', global)) skip('assumeRoleWithoutExternalId');
  else record('assumeRoleWithoutExternalId', undefined, refusalFailure(withoutId, 'no-external-id', global));
  if (withId.ok && !withoutId.ok) {
    // Only meaningful once the issued ExternalId works: does the condition pin its value?
    const other = await assume(deps, role.roleArn, `probe-${randomBytes(16).toString('base64url')}`);
    record('externalIdEnforced', undefined, refusalFailure(other, 'any-external-id', global));
  } else {
    skip('externalIdEnforced');
  }

  // Regions are independent: check them at once, so many Regions still fit the API's time limit.
  const regional = await Promise.all(role.productArns.map(async (productArn) => {
    const region = parseProductArn(productArn)?.region ?? '';
    const found: CheckResult[] = [];
    const note = (check: VerificationCheck, at: string, failure?: Failure) => {
      if (failure?.kind === 'transient') transient.push(failure);
      found.push(result(check, at, failure));
    };
    const pass = (check: VerificationCheck, at: string) => found.push({ check, region: at, outcome: 'skipped' });
    if (!withId.ok) {
      for (const check of ['securityHubEnabled', 'productSubscribed', 'importAllowed'] as const) pass(check, region);
      return found;
    }
    const client = makeClient(region, withId.credentials);
    try {
      await checkRegion(client, role, productArn, region, context(region, productArn), note, pass, now());
    } finally {
      client.destroy();
    }
    return found;
  }));
  checks.push(...regional.flat());

  const failed = checks.some((check) => check.outcome === 'failed');
  const outcome = transient.length > 0 && checks.filter((c) => c.outcome === 'failed').every((c) => transient.some((t) => t.code === c.code))
    ? 'inconclusive'
    : failed ? 'failed' : 'passed';
  return { at: now().toISOString(), outcome, checks };
}

async function checkRegion(
  client: SecurityHubClient,
  role: RoleUnderTest,
  productArn: string,
  region: string,
  context: VerificationContext,
  record: (check: VerificationCheck, region: string, failure?: Failure) => void,
  skip: (check: VerificationCheck, region: string) => void,
  at: Date,
): Promise<void> {
  const step = async (name: VerificationStep, call: () => Promise<unknown>): Promise<Failure | undefined> => {
    try {
      await call();
      return undefined;
    } catch (error) {
      return classifyVerificationError(name, error, context);
    }
  };
  const hub = await step('describeHub', () => client.send(new DescribeHubCommand({})));
  record('securityHubEnabled', region, hub);
  if (hub) {
    skip('productSubscribed', region);
    skip('importAllowed', region);
    return;
  }
  const subscriptions: string[] = [];
  const listed = await step('listEnabledProducts', async () => {
    for await (const page of paginateListEnabledProductsForImport({ client }, {})) subscriptions.push(...(page.ProductSubscriptions ?? []));
  });
  const subscribed = listed ?? (subscriptions.some((arn) => subscriptionCovers(arn, productArn))
    ? undefined
    : classifyDiagnosedAccess('ProductNotSubscribed', { kind: 'permanent', code: 'ProductNotSubscribed', message: 'not in ListEnabledProductsForImport' }, context));
  record('productSubscribed', region, subscribed);
  if (subscribed) {
    skip('importAllowed', region);
    return;
  }
  const finding = verificationFinding({ accountId: role.accountId, productArn, roleArn: role.roleArn, at });
  let reply: BatchImportFindingsCommandOutput | undefined;
  const denied = await step('importFindings', async () => {
    reply = await client.send(new BatchImportFindingsCommand({ Findings: [finding] }));
  });
  const entry = reply?.FailedFindings?.[0];
  record('importAllowed', region, denied ?? (entry ? classifyFailedFinding(entry.ErrorCode ?? 'Unknown', entry.ErrorMessage ?? '', context) : undefined));
}

/** A check's result; a fix that ends "then redrive" (delivery's wording) says "verify again" here. */
function result(check: VerificationCheck, region: string | undefined, failure?: Failure): CheckResult {
  return {
    check, ...(region ? { region } : {}),
    outcome: failure ? 'failed' : 'passed',
    ...(failure ? { code: failure.code, message: failure.message.replace(/then redrive\b/g, 'then verify again (POST .../verify)') } : {}),
  };
}

async function assume(deps: RoleVerifierDeps, roleArn: string, externalId: string | undefined): Promise<Outcome> {
  try {
    const { Credentials } = await deps.sts.send(new AssumeRoleCommand({
      RoleArn: roleArn, RoleSessionName: deps.sessionName, DurationSeconds: ASSUME_ROLE_MIN_SESSION_SECONDS,
      ...(externalId === undefined ? {} : { ExternalId: externalId }),
    }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken || !Credentials.Expiration) {
      return { ok: false, error: new Error(`AssumeRole on ${roleArn} returned no credentials`) };
    }
    return { ok: true, credentials: {
      accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken, expiration: Credentials.Expiration,
    } };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * A probe that must be refused: refused with AccessDenied passes; admitted is the confused-deputy
 * failure; anything else (throttling, 5xx) cannot tell and is reported as it came.
 */
function refusalFailure(outcome: Outcome, kind: 'no-external-id' | 'any-external-id', context: VerificationContext): Failure | undefined {
  if (outcome.ok) return confusedDeputyFailure(kind, context);
  if (awsErrorName(outcome.error) === 'AccessDenied') return undefined;
  const failure = classifyVerificationError('assumeRoleWithExternalId', outcome.error, context);
  return failure.kind === 'transient' ? failure : undefined;
}
