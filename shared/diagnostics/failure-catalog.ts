import { awsErrorName, awsHttpStatus, errorMessage } from '../errors.js';

/**
 * The one place AWS errors are classified (STYLE.md: "the same AWS error classified in two places"
 * is a smell). Each entry says whether retrying can help and what the customer or operator must
 * change otherwise, after Security Hub's IAM troubleshooting guide and the STS reference.
 */
export type FailureKind =
  /** Retrying later can succeed: throttling, 5xx, network. */
  | 'transient'
  /** The credentials went stale before their expiry: refresh them and try once more. */
  | 'credentials-expired'
  /** Nothing changes until someone fixes the cause: the findings go to the DLQ with the fix. */
  | 'permanent';

export interface FailureContext {
  accountId: string;
  region: string;
  productArn?: string;
  roleArn?: string;
}

export interface Failure {
  kind: FailureKind;
  /** Stable code carried in the DLQ's ErrorCode attribute and used by redrive filters. */
  code: string;
  /** What went wrong and what to do about it. */
  message: string;
}

interface CatalogEntry {
  kind: FailureKind;
  code: string;
  fix?: (context: FailureContext) => string;
}

const catalog: Record<string, CatalogEntry> = {
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
  'securityhub:AccessDeniedException': {
    kind: 'permanent',
    code: 'ProductNotSubscribed',
    fix: (c) =>
      `Security Hub refused the import into account ${c.accountId} in ${c.region}: the account has not enabled the integration for ` +
      `${c.productArn ?? 'this product'}, or the role lacks securityhub:BatchImportFindings. Run ` +
      `\`aws securityhub enable-import-findings-for-product --product-arn ${c.productArn ?? '<product-arn>'} --region ${c.region}\` ` +
      `in that account (and check the role's policy), then redrive.`,
  },
  'securityhub:InvalidAccessException': {
    kind: 'permanent',
    code: 'SecurityHubNotEnabled',
    fix: (c) =>
      `Security Hub is not enabled in account ${c.accountId}, Region ${c.region}. Run \`aws securityhub enable-security-hub --region ${c.region}\` there, then redrive.`,
  },
  'securityhub:InvalidInputException': {
    kind: 'permanent',
    code: 'InvalidInput',
    fix: () => 'Security Hub rejected the request as invalid; the partner must correct the findings and send them again.',
  },
  'securityhub:TooManyRequestsException': { kind: 'transient', code: 'Throttled' },
  'securityhub:LimitExceededException': { kind: 'transient', code: 'LimitExceeded' },
  'securityhub:InternalException': { kind: 'transient', code: 'SecurityHubInternalError' },
  'securityhub:ExpiredTokenException': { kind: 'credentials-expired', code: 'ExpiredToken' },
  // Per-finding ErrorCode values of BatchImportFindings' FailedFindings.
  'finding:InvalidInput': {
    kind: 'permanent',
    code: 'InvalidInput',
    fix: () => 'Security Hub rejected this finding; the partner must correct it (see the message) and send it again.',
  },
};

/** Classifies an error thrown by an STS or Security Hub call. */
export function classifyAwsError(service: 'sts' | 'securityhub', error: unknown, context: FailureContext): Failure {
  const name = awsErrorName(error);
  const detail = errorMessage(error);
  const entry = catalog[`${service}:${name}`];
  if (entry) return describe(entry, detail, context);
  const status = awsHttpStatus(error);
  // No HTTP status means the request never got an answer (network, timeout): worth retrying.
  if (status === undefined || status >= 500 || status === 429) {
    return { kind: 'transient', code: name, message: detail };
  }
  return { kind: 'permanent', code: name, message: `${service} answered ${status} ${name}: ${detail}` };
}

/** Classifies one entry of BatchImportFindings' FailedFindings. Per-finding failures never improve on retry. */
export function classifyFailedFinding(errorCode: string, errorMessage: string, context: FailureContext): Failure {
  const entry = catalog[`finding:${errorCode}`];
  if (entry) return { ...describe(entry, errorMessage, context), kind: 'permanent' };
  return { kind: 'permanent', code: errorCode, message: errorMessage };
}

function describe(entry: CatalogEntry, detail: string, context: FailureContext): Failure {
  const message = entry.fix ? `${entry.fix(context)} (AWS said: ${detail})` : detail;
  return { kind: entry.kind, code: entry.code, message };
}
