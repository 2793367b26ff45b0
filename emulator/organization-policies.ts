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
import { IN_MEMORY, type Persistence } from './persistence.js';

type ControlPolicyKind = Exclude<PolicyKind, 'identity'>;

interface Attached {
  policy: PermissionPolicy;
  /** As given, for storage (persistence.ts); parsed again on restore. */
  document: object;
}

/** The stored record of one account's policies of one kind. */
interface StoredPolicies {
  kind: ControlPolicyKind;
  accountId: string;
  documents: object[];
}

export class OrganizationPolicies {
  private readonly scps = new Map<string, Attached[]>();
  private readonly rcps = new Map<string, Attached[]>();

  constructor(private readonly persistence: Persistence = IN_MEMORY) {}

  restore(): void {
    for (const { value } of this.persistence.load('organization-policies')) {
      const { kind, accountId, documents } = value as StoredPolicies;
      this.attached(kind).set(accountId, documents.map((document) => ({ document, policy: parsePermissionPolicy(document, kind) })));
    }
  }

  private attached(kind: ControlPolicyKind): Map<string, Attached[]> {
    return kind === 'scp' ? this.scps : this.rcps;
  }

  /** Throws a plain Error on bad admin input (answered 400 by the admin API). */
  attach(kind: ControlPolicyKind, accountId: string, document: object): void {
    if (!ACCOUNT_ID_PATTERN.test(accountId)) throw new Error(`accountId must be 12 digits, got ${accountId}`);
    let policy: PermissionPolicy;
    try {
      policy = parsePermissionPolicy(document, kind);
    } catch (error) {
      if (error instanceof MalformedPolicyError) throw new Error(`MalformedPolicyDocument: ${kind === 'scp' ? 'service' : 'resource'} control policy: ${error.message}`);
      throw error;
    }
    const store = this.attached(kind);
    // A copy, so that the caller's later edits to its object change neither the policy nor its record.
    const list = [...(store.get(accountId) ?? []), { policy, document: structuredClone(document) }];
    store.set(accountId, list);
    const record: StoredPolicies = { kind, accountId, documents: list.map((a) => a.document) };
    this.persistence.put('organization-policies', `${kind}/${accountId}`, record);
  }

  detachAll(kind: ControlPolicyKind, accountId: string): void {
    this.attached(kind).delete(accountId);
    this.persistence.delete('organization-policies', `${kind}/${accountId}`);
  }

  serviceControlPolicies(accountId: string): PermissionPolicy[] {
    return (this.scps.get(accountId) ?? []).map((a) => a.policy);
  }

  resourceControlPolicies(accountId: string): PermissionPolicy[] {
    return (this.rcps.get(accountId) ?? []).map((a) => a.policy);
  }
}
