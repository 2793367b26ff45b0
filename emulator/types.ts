/**
 * Public shapes of the emulator's admin surface. Other modules (the local stack's seeding, tests,
 * the benchmark) code against these names, so they change only together with their callers.
 */
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';

/** A stored ASFF finding, exactly as it was imported. */
export type Finding = AwsSecurityFinding;

export type FaultKind = 'throttle' | 'server-error' | 'latency' | 'expired-credentials' | 'connection-reset' | 'access-denied';

/** When a 'connection-reset' fault drops the connection (faults.ts). */
export type ResetPhase = 'before-operation' | 'after-operation';

export type SecurityHubThrottlingCode = 'TooManyRequestsException' | 'LimitExceededException' | 'ThrottlingException';

export interface FaultSpec {
  /** Operation name as AWS spells it ('BatchImportFindings', 'AssumeRole', ...), or '*' for any. */
  operation: string;
  /** Calling account (the one the credentials resolve to); omitted = any. */
  accountId?: string;
  /** Region of the request's credential scope; omitted = any. */
  region?: string;
  kind: FaultKind;
  /** How many matching requests the fault hits; omitted = until clearFaults(). */
  times?: number;
  /**
   * For 'throttle' on Security Hub: which throttling answer, all HTTP 429 — 'TooManyRequestsException'
   * (the default, seen from the live service), 'LimitExceededException' or 'ThrottlingException' (both
   * in botocore's securityhub model). STS has one throttling answer and ignores this.
   */
  errorCode?: SecurityHubThrottlingCode;
  /** For 'latency': delay before the request proceeds. */
  latencyMs?: number;
  /**
   * For 'connection-reset': 'before-operation' (the default) drops the connection once the request is
   * read and authenticated, and nothing happens; 'after-operation' runs the operation (its changes are
   * kept) and drops the connection instead of answering: the caller cannot know it succeeded.
   */
  phase?: ResetPhase;
  /**
   * Only for operation 'AssumeRole': the RoleArn the request names must be this one, so a fault can hit
   * one customer's role while the broker's other AssumeRole calls go through.
   */
  roleArn?: string;
}

export interface CallRecord {
  operation: string;
  /** Account the credentials resolved to; absent when the access key was unknown or missing. */
  accountId?: string;
  /** Region of the credential scope ('' when the request carried none). */
  region: string;
  /** Emulator clock, epoch milliseconds. */
  at: number;
  /** HTTP status the emulator answered with; 0 when a 'connection-reset' fault dropped the connection instead. */
  status: number;
}

export interface AccessKeyInput {
  accountId: string;
  principalArn: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export interface AccessKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RoleInput {
  accountId: string;
  roleName: string;
  /** IAM policy document (Version, Statement). */
  trustPolicy: object;
  /**
   * Inline permission policies by policy name, each an IAM policy document (Version, Statement with
   * Effect, Action / NotAction, Resource / NotResource; no Condition). Sessions of the role may do what
   * these allow and nothing else: without any (and without `unrestricted`) the role is denied
   * everything, as IAM's default implicit deny. On re-putting a role, omitted = keep the current ones.
   */
  permissionPolicies?: Record<string, object>;
  /**
   * Emulator-only: sessions of this role skip permission-policy evaluation (service and resource control
   * policies still apply). For tests that are about something else and say so; default false. On
   * re-putting a role, omitted = keep the current setting.
   */
  unrestricted?: boolean;
}
