/**
 * IAM roles per account: trust policy, inline permission policies, and a stable unique id (AROA...,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes).
 * Filled by the admin API (putRole, putRolePolicy) and by the IAM API (iam/operations.ts).
 * Lookups are case-sensitive: "Role names are case sensitive when you assume a role"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html#troubleshoot_roles_cant-assume-role).
 * IAM refuses to create names that differ only by case ("Names are not distinguished by case",
 * botocore iam/2010-05-08/service-2.json, CreateRoleRequest.RoleName); the IAM API's CreateRole does
 * too (iam/operations.ts). Assumption: the admin API does not, so there they are two roles.
 */
import { ACCOUNT_ID_PATTERN, roleArn } from './arn.js';
import * as ids from './ids.js';
import { MalformedPolicyError, parsePermissionPolicy, parsePolicyText, type PermissionPolicy } from './permission-policy.js';
import { IN_MEMORY, type Persistence } from './persistence.js';
import { parseTrustPolicy, type TrustPolicy } from './trust-policy.js';
import type { RoleInput } from './types.js';

export interface InlinePolicy {
  /** The document as it was given (IAM returns it as given, URL-encoded). */
  text: string;
  policy: PermissionPolicy;
}

export interface Role {
  accountId: string;
  roleName: string;
  /** `/` or `/.../` (botocore iam/2010-05-08/service-2.json, pathType); the admin API always uses `/`. */
  path: string;
  roleArn: string;
  roleId: string;
  trustPolicy: TrustPolicy;
  trustPolicyText: string;
  description?: string;
  /** Emulator clock, epoch milliseconds. */
  createdAt: number;
  /** MaxSessionDuration (CreateRole), IAM's default of one hour otherwise (below). */
  maxSessionSeconds: number;
  /** Inline permission policies by name, in the order they were first put. */
  permissionPolicies: Map<string, InlinePolicy>;
  /**
   * Emulator-only: sessions of this role are not evaluated against permission policies (the emulator's
   * behaviour before it modelled them). Only the admin API sets it, for tests that say so.
   */
  unrestricted: boolean;
}

/**
 * "If you do not specify a value for this setting, the default value of one hour is applied"
 * (botocore iam/2010-05-08/service-2.json, CreateRoleRequest.MaxSessionDuration).
 */
export const DEFAULT_MAX_SESSION_SECONDS = 3600;
/** roleNameType: 1-64 characters, pattern `[\w+=,.@-]+` (botocore iam/2010-05-08/service-2.json). */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** policyNameType: 1-128 characters, pattern `[\w+=,.@-]+` (same model, PutRolePolicyRequest.PolicyName). */
export const POLICY_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;

export interface NewRole {
  accountId: string;
  roleName: string;
  path: string;
  trustPolicyText: string;
  trustPolicy: TrustPolicy;
  description?: string;
  maxSessionSeconds: number;
  createdAt: number;
}

/** A permission policy given to the admin API, parsed; a plain Error names the policy and IAM's code. */
function adminPolicy(policyName: string, document: object): InlinePolicy {
  if (!POLICY_NAME_PATTERN.test(policyName)) throw new Error(`invalid policy name: ${policyName}`);
  try {
    return { text: JSON.stringify(document), policy: parsePermissionPolicy(document, 'identity') };
  } catch (error) {
    if (error instanceof MalformedPolicyError) throw new Error(`MalformedPolicyDocument: policy ${policyName}: ${error.message}`);
    throw error;
  }
}

/**
 * A role as stored (persistence.ts): the documents as text, as IAM holds them; parsed again on restore
 * by the same rules that admitted them.
 */
interface StoredRole extends Omit<Role, 'trustPolicy' | 'permissionPolicies'> {
  permissionPolicies: Array<[name: string, text: string]>;
}

function stored(role: Role): StoredRole {
  const { trustPolicy: _parsed, permissionPolicies, ...rest } = role;
  return { ...rest, permissionPolicies: [...permissionPolicies].map(([name, inline]) => [name, inline.text]) };
}

function revived(record: StoredRole): Role {
  return {
    ...record,
    trustPolicy: parseTrustPolicy(parsePolicyText(record.trustPolicyText) as object),
    permissionPolicies: new Map(record.permissionPolicies.map(([name, text]) => [name, { text, policy: parsePermissionPolicy(parsePolicyText(text), 'identity') }])),
  };
}

const key = (accountId: string, roleName: string): string => `${accountId}/${roleName}`;

export class RoleStore {
  private readonly roles = new Map<string, Role>();

  constructor(private readonly persistence: Persistence = IN_MEMORY) {}

  restore(): void {
    for (const { key: roleKey, value } of this.persistence.load('role')) this.roles.set(roleKey, revived(value as StoredRole));
  }

  /** Writes the role through to storage; every change to a role ends here. */
  private save(role: Role): Role {
    this.persistence.put('role', key(role.accountId, role.roleName), stored(role));
    return role;
  }

  /**
   * The admin API's putRole. Throws a plain Error on bad admin input (emulator-only; the admin API
   * answers it with 400). Re-putting a role updates its trust policy in place, as UpdateAssumeRolePolicy
   * does, and keeps its id; its permission policies and `unrestricted` change only when given. A
   * deleted and re-created role gets a new id (reference_identifiers.html#identifiers-unique-ids).
   */
  put(input: RoleInput, now: number): Role {
    if (!ACCOUNT_ID_PATTERN.test(input.accountId)) throw new Error(`accountId must be 12 digits, got ${input.accountId}`);
    if (!ROLE_NAME_PATTERN.test(input.roleName)) throw new Error(`invalid role name: ${input.roleName}`);
    const trustPolicy = parseTrustPolicy(input.trustPolicy);
    const policies = input.permissionPolicies === undefined ? undefined
      : new Map(Object.entries(input.permissionPolicies).map(([name, document]) => [name, adminPolicy(name, document)]));
    const existing = this.get(input.accountId, input.roleName);
    if (existing) {
      existing.trustPolicy = trustPolicy;
      existing.trustPolicyText = JSON.stringify(input.trustPolicy);
      if (policies) existing.permissionPolicies = policies;
      if (input.unrestricted !== undefined) existing.unrestricted = input.unrestricted;
      return this.save(existing);
    }
    return this.create({
      accountId: input.accountId, roleName: input.roleName, path: '/', trustPolicy, trustPolicyText: JSON.stringify(input.trustPolicy),
      maxSessionSeconds: DEFAULT_MAX_SESSION_SECONDS, createdAt: now,
    }, policies ?? new Map(), input.unrestricted ?? false);
  }

  /** Stores a new role; the caller has checked that none of that name exists. */
  create(input: NewRole, policies = new Map<string, InlinePolicy>(), unrestricted = false): Role {
    const role: Role = {
      ...input,
      roleArn: roleArn(input.accountId, input.roleName, input.path),
      roleId: ids.uniqueId('AROA'),
      permissionPolicies: policies,
      unrestricted,
    };
    this.roles.set(key(input.accountId, input.roleName), role);
    return this.save(role);
  }

  /** The admin API's putRolePolicy: adds or replaces one inline policy, as PutRolePolicy does. */
  putAdminPolicy(accountId: string, roleName: string, policyName: string, document: object): void {
    const role = this.get(accountId, roleName);
    if (!role) throw new Error(`no role ${roleName} in account ${accountId}`);
    role.permissionPolicies.set(policyName, adminPolicy(policyName, document));
    this.save(role);
  }

  /** UpdateAssumeRolePolicy: the document already judged by the caller. */
  setTrustPolicy(role: Role, trustPolicy: TrustPolicy, text: string): void {
    role.trustPolicy = trustPolicy;
    role.trustPolicyText = text;
    this.save(role);
  }

  /** PutRolePolicy: adds or replaces one inline policy, already judged by the caller. */
  setInlinePolicy(role: Role, policyName: string, inline: InlinePolicy): void {
    role.permissionPolicies.set(policyName, inline);
    this.save(role);
  }

  /** DeleteRolePolicy; false when the role has no policy of that name. */
  deleteInlinePolicy(role: Role, policyName: string): boolean {
    if (!role.permissionPolicies.delete(policyName)) return false;
    this.save(role);
    return true;
  }

  delete(accountId: string, roleName: string): void {
    this.roles.delete(key(accountId, roleName));
    this.persistence.delete('role', key(accountId, roleName));
  }

  get(accountId: string, roleName: string): Role | undefined {
    return this.roles.get(key(accountId, roleName));
  }

  /** A role of the account whose name equals `roleName` but for case (IAM's uniqueness rule, above). */
  sameNameIgnoringCase(accountId: string, roleName: string): Role | undefined {
    const wanted = roleName.toLowerCase();
    for (const role of this.roles.values()) {
      if (role.accountId === accountId && role.roleName.toLowerCase() === wanted) return role;
    }
    return undefined;
  }
}
