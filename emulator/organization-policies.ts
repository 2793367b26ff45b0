/**
 * AWS Organizations policies attached to an account: service control policies (SCPs, limiting what
 * the account's principals may do) and resource control policies (RCPs, limiting what may be done to
 * the account's resources). Neither grants anything
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
 * Assumption: only their Deny statements are evaluated: every account behaves as if it also had the
 * default FullAWSAccess SCP and RCPFullAWSAccess RCP attached, which allow everything, so an SCP's own
 * Allow statements are stored but change nothing (an RCP may not have any, permission-policy.ts).
 * Assumption: there is no organization: no management account (which SCPs and RCPs do not affect), no
 * OUs or inheritance, no service-linked roles; the policies are attached to the account directly.
 */
import { ACCOUNT_ID_PATTERN } from './arn.js';
import { MalformedPolicyError, parsePermissionPolicy, type PermissionPolicy, type PolicyKind } from './permission-policy.js';

export class OrganizationPolicies {
  private readonly scps = new Map<string, PermissionPolicy[]>();
  private readonly rcps = new Map<string, PermissionPolicy[]>();

  /** Throws a plain Error on bad admin input (answered 400 by the admin API). */
  attach(kind: Exclude<PolicyKind, 'identity'>, accountId: string, document: object): void {
    if (!ACCOUNT_ID_PATTERN.test(accountId)) throw new Error(`accountId must be 12 digits, got ${accountId}`);
    let policy: PermissionPolicy;
    try {
      policy = parsePermissionPolicy(document, kind);
    } catch (error) {
      if (error instanceof MalformedPolicyError) throw new Error(`MalformedPolicyDocument: ${kind === 'scp' ? 'service' : 'resource'} control policy: ${error.message}`);
      throw error;
    }
    const store = kind === 'scp' ? this.scps : this.rcps;
    store.set(accountId, [...(store.get(accountId) ?? []), policy]);
  }

  detachAll(kind: Exclude<PolicyKind, 'identity'>, accountId: string): void {
    (kind === 'scp' ? this.scps : this.rcps).delete(accountId);
  }

  serviceControlPolicies(accountId: string): PermissionPolicy[] {
    return this.scps.get(accountId) ?? [];
  }

  resourceControlPolicies(accountId: string): PermissionPolicy[] {
    return this.rcps.get(accountId) ?? [];
  }
}
