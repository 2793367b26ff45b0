import { awsErrorName, awsHttpStatus, errorMessage } from '../errors.js';

/**
 * The one place AWS errors are classified, so the same error never gets two verdicts in two places.
 * Each entry says whether retrying can help and what the customer or operator must
 * change otherwise, after Security Hub's IAM troubleshooting guide and the STS reference.
 */
export type FailureKind =
  /** Retrying later can succeed: throttling, 5xx, network. */
  | 'transient'
  /** The credentials went stale before their expiry: refresh them and try once more. */
  | 'credentials-expired'
  /** Nothing changes until someone fixes the cause: the findings go to the DLQ with the fix. */
  | 'permanent'
  /**
   * Security Hub refused the destination (per-finding InvalidAccess: the hub is off, or the
   * integration is not enabled). Permanent, but which of the two it is takes one look at the
   * destination (DescribeHub / ListEnabledProductsForImport) before the findings are dead-lettered.
   */
  | 'access-refused';

export interface FailureContext {
  accountId: string;
  region: string;
  productArn?: string;
  roleArn?: string;
}

/**
 * An explicit deny by the customer's organization, told by AWS's AccessDenied message: "... with an
 * explicit deny in a service control policy" / "... in a resource control policy" (IAM user guide,
 * "Troubleshoot access denied error messages",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 */
function organizationDenial(detail: string, context: FailureContext): { code: string; message: string } | undefined {
  const scope = `account ${context.accountId}${context.region ? `, ${context.region}` : ''}`;
  if (/explicit deny in a service control policy/i.test(detail)) {
    return {
      code: 'DeniedByServiceControlPolicy',
      message: `A service control policy (SCP) of the organization that ${scope} belongs to denies the call. Ask your AWS Organizations administrator to exempt the broker's role (or the action) from that SCP; nothing in the role itself can override it.`,
    };
  }
  if (/explicit deny in a resource control policy/i.test(detail)) {
    return {
      code: 'DeniedByResourceControlPolicy',
      message: `A resource control policy (RCP) of the organization that ${scope} belongs to denies the call (RCPs can deny access by principals outside the organization, such as the broker). Ask your AWS Organizations administrator to exempt the broker's principals from that RCP.`,
    };
  }
  return undefined;
}

export interface Failure {
  kind: FailureKind;
  /** Stable code carried in the DLQ's ErrorCode attribute and used by redrive filters. */
  code: string;
  /** What went wrong and what to do about it. */
  message: string;
  /** AWS's own words, when an AWS answer caused the failure. */
  awsMessage?: string;
}

/** The code of Security Hub's InvalidInputException (whole call) and InvalidInput (per finding) alike. */
export const INVALID_INPUT = 'InvalidInput';

interface CatalogEntry {
  kind: FailureKind;
  code: string;
  fix?: (context: FailureContext) => string;
}

const catalog: Record<string, CatalogEntry> = {
  // Permanent, but deliver gives it one more receive on a record's first (IAM propagation;
  // shared/delivery/deliver-records.ts, judgedOnReceive).
  'sts:AccessDenied': {
    kind: 'permanent',
    code: 'AssumeRoleDenied',
    fix: (c) =>
      `The broker may not assume ${c.roleArn ?? 'the registered role'} in account ${c.accountId} with the ExternalId it issued. ` +
      `The role's trust policy must allow the broker's role (Principal) with Condition StringEquals sts:ExternalId = the issued ExternalId; ` +
      `deploy infra/customer-role.yaml with the values from the onboarding API, then redrive.`,
  },
  'sts:RegionDisabledException': {
    kind: 'permanent',
    code: 'StsRegionDisabled',
    fix: (c) => `STS is not activated in the broker's Region for account ${c.accountId}; activate it in IAM account settings, then redrive.`,
  },
  'sts:ExpiredToken': { kind: 'credentials-expired', code: 'ExpiredToken' },
  // A whole-call AccessDeniedException is an IAM denial (the role's policy, an SCP or an RCP) or a
  // finding whose AwsAccountId is not the calling account (AWS support, prowler-cloud/prowler#867).
  // A hub or integration that is off answers per finding with InvalidAccess instead (below).
  'securityhub:AccessDeniedException': {
    kind: 'permanent',
    code: 'ImportAccessDenied',
    fix: (c) =>
      `Security Hub denied BatchImportFindings into account ${c.accountId} in ${c.region} for ${c.productArn ?? 'this product'}. ` +
      `The importing role's policy must allow securityhub:BatchImportFindings on that product ARN (deploy infra/customer-role.yaml ` +
      `unchanged), and no service or resource control policy of the customer's organization may deny it; then redrive.`,
  },
  // Whole-call InvalidAccessException is what Security Hub's other operations answer when the hub is off.
  'securityhub:InvalidAccessException': { kind: 'permanent', code: 'SecurityHubNotEnabled', fix: (c) => hubOffFix(c) },
  'diagnosis:SecurityHubNotEnabled': { kind: 'permanent', code: 'SecurityHubNotEnabled', fix: (c) => hubOffFix(c) },
  'diagnosis:ProductNotSubscribed': {
    kind: 'permanent',
    code: 'ProductNotSubscribed',
    fix: (c) =>
      `Account ${c.accountId} has not enabled the integration for ${c.productArn ?? 'this product'} in ${c.region}. Run ` +
      `\`aws securityhub enable-import-findings-for-product --product-arn ${c.productArn ?? '<product-arn>'} --region ${c.region}\` ` +
      `in that account, then redrive.`,
  },
  'securityhub:InvalidInputException': {
    kind: 'permanent',
    code: INVALID_INPUT,
    fix: () => 'Security Hub rejected the request as invalid; the partner must correct the findings and send them again.',
  },
  'securityhub:InternalException': { kind: 'transient', code: 'SecurityHubInternalError' },
  'securityhub:ExpiredTokenException': { kind: 'credentials-expired', code: 'ExpiredToken' },
  // Per-finding ErrorCode values of BatchImportFindings' FailedFindings.
  // User guide, "Using BatchImportFindings to create and update findings": "If Security Hub is
  // disabled, or the finding provider integration is not enabled, then the findings are returned in
  // the FailedFindings list, with an InvalidAccess error." Which of the two takes a look (kind).
  'finding:InvalidAccess': {
    kind: 'access-refused',
    code: 'ImportAccessRefused',
    fix: (c) =>
      `Security Hub refused the findings for account ${c.accountId} in ${c.region}: either Security Hub is not enabled there ` +
      `(\`aws securityhub enable-security-hub --region ${c.region}\`) or the account has not enabled the integration for ` +
      `${c.productArn ?? 'this product'} (\`aws securityhub enable-import-findings-for-product --product-arn ${c.productArn ?? '<product-arn>'} --region ${c.region}\`). ` +
      `Fix whichever applies in that account, then redrive.`,
  },
  'finding:InvalidInput': {
    kind: 'permanent',
    code: INVALID_INPUT,
    fix: () => 'Security Hub rejected this finding; the partner must correct it (see the message) and send it again.',
  },
};

function hubOffFix(c: FailureContext): string {
  return `Security Hub is not enabled in account ${c.accountId}, Region ${c.region}. Run \`aws securityhub enable-security-hub --region ${c.region}\` there, then redrive.`;
}

/**
 * Every name AWS throttles Security Hub and STS calls with: TooManyRequestsException (seen from
 * Security Hub, prowler-cloud/prowler#5004), LimitExceededException and ThrottlingException (both
 * HTTP 429 in botocore's securityhub model), Throttling (STS's query-protocol code). Any other
 * 429 counts too. One code, `Throttled`, so metrics and redrive filters see one thing.
 */
const THROTTLING_NAMES: ReadonlySet<string> = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'Throttling']);
export const THROTTLED = 'Throttled';

export function isThrottling(error: unknown): boolean {
  return THROTTLING_NAMES.has(awsErrorName(error)) || awsHttpStatus(error) === 429;
}

/** Classifies an error thrown by an STS or Security Hub call. */
export function classifyAwsError(service: 'sts' | 'securityhub', error: unknown, context: FailureContext): Failure {
  const name = awsErrorName(error);
  const detail = errorMessage(error);
  if (isThrottling(error)) return { kind: 'transient', code: THROTTLED, message: `${service} throttled the call (${name}): ${detail}` };
  const denial = organizationDenial(detail, context);
  if (denial) return { kind: 'permanent', code: denial.code, message: `${denial.message} (AWS said: ${detail})`, awsMessage: detail };
  const entry = catalog[`${service}:${name}`];
  if (entry) return describe(entry, detail, context);
  const status = awsHttpStatus(error);
  // No HTTP status means the request never got an answer (network, timeout): worth retrying.
  if (status === undefined || status >= 500) {
    return { kind: 'transient', code: name, message: detail };
  }
  return { kind: 'permanent', code: name, message: `${service} answered ${status} ${name}: ${detail}` };
}

/**
 * Classifies one entry of BatchImportFindings' FailedFindings. Per-finding failures never improve on
 * retry; InvalidAccess comes back as `access-refused`, for the caller to diagnose (below).
 */
export function classifyFailedFinding(errorCode: string, errorMessage: string, context: FailureContext): Failure {
  const entry = catalog[`finding:${errorCode}`];
  if (entry) return describe(entry, errorMessage, context);
  return { kind: 'permanent', code: errorCode, message: errorMessage };
}

/** What a look at the destination found behind an InvalidAccess (see delivery/access-diagnosis.ts). */
export type AccessFinding = 'SecurityHubNotEnabled' | 'ProductNotSubscribed';

/** The exact failure once the cause of an InvalidAccess is known; AWS's own words kept after the fix. */
export function classifyDiagnosedAccess(found: AccessFinding, refused: Failure, context: FailureContext): Failure {
  return describe(catalog[`diagnosis:${found}`]!, refused.awsMessage ?? refused.message, context);
}

/** An InvalidAccess whose cause could not be told apart: permanent, with both fixes and why. */
export function undiagnosedAccess(refused: Failure, why: string): Failure {
  return { kind: 'permanent', code: refused.code, message: `${refused.message} [Cause not determined: ${why}]` };
}

function describe(entry: CatalogEntry, detail: string, context: FailureContext): Failure {
  const message = entry.fix ? `${entry.fix(context)} (AWS said: ${detail})` : detail;
  return { kind: entry.kind, code: entry.code, message, awsMessage: detail };
}

/** The onboarding checks whose AWS answers this catalog explains (shared/onboarding/verify-role.ts). */
export type VerificationStep = 'assumeRoleWithExternalId' | 'describeHub' | 'listEnabledProducts' | 'importFindings';

export interface VerificationContext extends FailureContext {
  roleArn: string;
  /** What the role's trust policy must name. */
  principals: string[];
}

/**
 * What an AWS error during verification means for the customer, as a stable code and the fix. An
 * AccessDenied from AssumeRole cannot say which of three causes it is: STS answers a missing role, an
 * untrusting one and a wrong ExternalId alike (so nobody can probe which roles exist), so the fix
 * names all three and how to check each.
 */
export function classifyVerificationError(step: VerificationStep, error: unknown, context: VerificationContext): Failure {
  const general = classifyAwsError(step === 'assumeRoleWithExternalId' ? 'sts' : 'securityhub', error, context);
  if (general.kind !== 'permanent' || general.code.startsWith('DeniedBy')) return general;
  const name = awsErrorName(error);
  const detail = errorMessage(error);
  const roleName = context.roleArn.split('/').pop() ?? context.roleArn;
  const denied = name === 'AccessDenied' || name === 'AccessDeniedException';
  const fixes: Partial<Record<VerificationStep, string>> = {
    assumeRoleWithExternalId:
      `The broker cannot assume ${context.roleArn} with the ExternalId it issued for account ${context.accountId}. AWS answers the ` +
      `three possible causes alike, so check each: (1) the role does not exist: create it (the registration's cloudFormation ` +
      `template or cliCommands); (2) its trust policy does not name both broker principals (${context.principals.join(', ')}): ` +
      `restore the registration's trustPolicy; (3) its sts:ExternalId condition has another value: it must be StringEquals ` +
      `sts:ExternalId = the registration's externalId. See the role with \`aws iam get-role --role-name ${roleName} --query ` +
      `Role.AssumeRolePolicyDocument\`, fix it, then verify again.`,
    describeHub:
      `The role may not call securityhub:DescribeHub in ${context.region}. Add this statement to its permissions policy, then verify ` +
      `again: {"Effect":"Allow","Action":"securityhub:DescribeHub","Resource":"arn:aws:securityhub:${context.region}:${context.accountId}:hub/default"}`,
    listEnabledProducts:
      `The role may not call securityhub:ListEnabledProductsForImport in ${context.region}. Add this statement to its permissions ` +
      `policy, then verify again: {"Effect":"Allow","Action":"securityhub:ListEnabledProductsForImport","Resource":"arn:aws:securityhub:${context.region}:${context.accountId}:hub/default"}`,
    importFindings:
      `The role may not call securityhub:BatchImportFindings for ${context.productArn ?? 'the product'} in ${context.region}. Add this ` +
      `statement to its permissions policy, then verify again: {"Effect":"Allow","Action":"securityhub:BatchImportFindings","Resource":` +
      `["${context.productArn ?? '<product-arn>'}","arn:aws:securityhub:${context.region}:${context.accountId}:product-subscription/` +
      `${(context.productArn ?? '').split(':product/')[1] ?? '<company>/<product>'}"]}`,
  };
  const codes: Record<VerificationStep, string> = {
    assumeRoleWithExternalId: 'RoleNotAssumable',
    describeHub: 'RoleCannotDescribeHub',
    listEnabledProducts: 'RoleCannotListProductSubscriptions',
    importFindings: 'ImportAccessDenied',
  };
  if (step === 'describeHub' && name === 'InvalidAccessException') {
    return classifyDiagnosedAccess('SecurityHubNotEnabled', general, context);
  }
  if (!denied) return general;
  return { kind: 'permanent', code: codes[step], message: `${fixes[step]!} (AWS said: ${detail})`, awsMessage: detail };
}

/** Found by AssumeRole probes, not by an AWS error: the role is open to confused-deputy use. */
export function confusedDeputyFailure(kind: 'no-external-id' | 'any-external-id', context: VerificationContext): Failure {
  const roleName = context.roleArn.split('/').pop() ?? context.roleArn;
  const fix =
    `Its trust policy must allow the broker only with Condition {"StringEquals":{"sts:ExternalId":"<the registration's externalId>"}} ` +
    `(the registration's trustPolicy). Fix it with \`aws iam update-assume-role-policy --role-name ${roleName} --policy-document ` +
    `'<trustPolicy>'\`, then verify again. Until then the broker will not use this role.`;
  return kind === 'no-external-id'
    ? { kind: 'permanent', code: 'RoleTrustsWithoutExternalId',
        message: `The broker could assume ${context.roleArn} without any ExternalId: anyone who can make the broker act for them could ` +
          `reach your account through it (the confused-deputy problem). ${fix}` }
    : { kind: 'permanent', code: 'ExternalIdNotEnforced',
        message: `The broker could assume ${context.roleArn} with an ExternalId other than the one issued for your account: the ` +
          `condition does not pin the issued value (for example StringLike "*" or only a Null check). ${fix}` };
}
