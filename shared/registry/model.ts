/** The registry's records: partners, their API tokens, and customers' registrations. */

export const DELIVERY_MODES = ['partner-account', 'cross-account-role', 'customer-hosted'] as const;
/** How the broker obtains credentials for a registration (docs/design.md, "Delivery modes"). */
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const REGISTRATION_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED', 'OFFBOARDED'] as const;
/** Only ACTIVE registrations receive findings; the others are kept for audit and diagnostics. */
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export interface Partner {
  partnerId: string;
  name: string;
  /** Product ARNs (one per Region) this partner may post findings for. */
  productArns: string[];
  createdAt: string;
  /**
   * Change-only delivery: a finding whose content (all but UpdatedAt) equals its last import is not
   * imported again until CHANGE_REFRESH_MS has passed. On unless this is false.
   */
  changeOnly?: boolean;
}

export interface PartnerToken {
  tokenId: string;
  partnerId: string;
  /** Hex salt and hex SHA-256 of salt+secret; the secret itself is never stored. */
  salt: string;
  hash: string;
  createdAt: string;
  revokedAt?: string;
  /** API Gateway usage-plan key the authorizer hands back, when the partner has one. */
  usagePlanKeyId?: string;
}

/** Who changed a registration's status, when, and why: the audit trail a registration keeps. */
export interface StatusChange {
  status: RegistrationStatus;
  at: string;
  /** The caller's ARN (customer), `operator:<user>` (the operator CLI), or `broker:deliver` when deliver suspends it. */
  by: string;
  reason?: string;
}

export const VERIFICATION_CHECKS = [
  'assumeRoleWithExternalId',
  'assumeRoleWithoutExternalId',
  'externalIdEnforced',
  'securityHubEnabled',
  'productSubscribed',
  'importAllowed',
] as const;
/** One of the checks a verification runs (shared/onboarding/verify-role.ts says what each proves). */
export type VerificationCheck = (typeof VERIFICATION_CHECKS)[number];

export interface CheckResult {
  check: VerificationCheck;
  /** Region-scoped checks name their Region; the AssumeRole checks are global. */
  region?: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** Stable diagnostic code when failed (shared/diagnostics/failure-catalog.ts). */
  code?: string;
  /** What is wrong and what the customer's engineer must do, in plain words. */
  message?: string;
}

export interface Verification {
  at: string;
  by: string;
  /** passed: every check passed; failed: a check failed; inconclusive: AWS could not be asked (throttled, 5xx). */
  outcome: 'passed' | 'failed' | 'inconclusive';
  checks: CheckResult[];
}

/** Access failures deliver met for an ACTIVE registration, since the last success. */
export interface AccessFailures {
  count: number;
  firstAt: string;
  lastAt: string;
  code: string;
  message: string;
  region: string;
}

export interface Registration {
  accountId: string;
  /** `<company>/<product>` of the product ARN, the same in every Region. */
  productKey: string;
  partnerId: string;
  /** Regions the customer receives findings in. */
  regions: string[];
  mode: DeliveryMode;
  /** The customer's role; required for cross-account-role. */
  roleArn?: string;
  /** Issued by the broker, never chosen by the customer; required for cross-account-role. */
  externalId?: string;
  status: RegistrationStatus;
  createdAt: string;
  updatedAt: string;
  /** Optimistic-lock counter: every write names the version it read (absent on records older than it = 0). */
  version?: number;
  /** The caller's ARN that created the registration. */
  createdBy?: string;
  /** The last verification's result, checks and diagnostics. */
  verification?: Verification;
  /** Every status change, oldest first (capped, see MAX_HISTORY in shared/onboarding/registrations.ts). */
  history?: StatusChange[];
  accessFailures?: AccessFailures;
  /** What went back out of the DLQ by itself when the registration last passed verification. */
  lastRedrive?: { at: string; messages: number; findings: number; complete: boolean };
}
