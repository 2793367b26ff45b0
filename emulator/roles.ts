/**
 * IAM roles per account, each with its parsed trust policy and a stable unique id (AROA...,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes).
 * Lookups are case-sensitive: "Role names are case sensitive when you assume a role"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html#troubleshoot_roles_cant-assume-role).
 * Assumption: names that differ only by case are two roles here, although IAM refuses to create them
 * ("Names are not distinguished by case", botocore iam/2010-05-08/service-2.json, CreateRoleRequest.RoleName).
 */
import { ACCOUNT_ID_PATTERN, roleArn } from './arn.js';
import * as ids from './ids.js';
import { parseTrustPolicy, type TrustPolicy } from './trust-policy.js';
import type { RoleInput } from './types.js';

export interface Role {
  accountId: string;
  roleName: string;
  roleArn: string;
  roleId: string;
  trustPolicy: TrustPolicy;
  /** IAM's default MaxSessionDuration (below); the admin API does not change it. */
  maxSessionSeconds: number;
}

/**
 * "If you do not specify a value for this setting, the default value of one hour is applied"
 * (botocore iam/2010-05-08/service-2.json, CreateRoleRequest.MaxSessionDuration).
 */
const DEFAULT_MAX_SESSION_SECONDS = 3600;
/** roleNameType: 1-64 characters, pattern `[\w+=,.@-]+` (botocore iam/2010-05-08/service-2.json). */
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

export class RoleStore {
  private readonly roles = new Map<string, Role>();

  /** Throws a plain Error on bad admin input (emulator-only; the admin API answers it with 400). */
  put(input: RoleInput): Role {
    if (!ACCOUNT_ID_PATTERN.test(input.accountId)) throw new Error(`accountId must be 12 digits, got ${input.accountId}`);
    if (!ROLE_NAME_PATTERN.test(input.roleName)) throw new Error(`invalid role name: ${input.roleName}`);
    const key = `${input.accountId}/${input.roleName}`;
    // Re-putting a role updates its trust policy in place, as UpdateAssumeRolePolicy does; the id stays.
    // A deleted and re-created role gets a new id (reference_identifiers.html#identifiers-unique-ids).
    const existing = this.roles.get(key);
    const role: Role = {
      accountId: input.accountId,
      roleName: input.roleName,
      roleArn: roleArn(input.accountId, input.roleName),
      roleId: existing?.roleId ?? ids.uniqueId('AROA'),
      trustPolicy: parseTrustPolicy(input.trustPolicy),
      maxSessionSeconds: DEFAULT_MAX_SESSION_SECONDS,
    };
    this.roles.set(key, role);
    return role;
  }

  delete(accountId: string, roleName: string): void {
    this.roles.delete(`${accountId}/${roleName}`);
  }

  get(accountId: string, roleName: string): Role | undefined {
    return this.roles.get(`${accountId}/${roleName}`);
  }
}
