/** IAM roles per account, each with its parsed trust policy and a stable unique id (AROA...). */
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
  /** IAM's default MaxSessionDuration; the admin API does not change it. */
  maxSessionSeconds: number;
}

const DEFAULT_MAX_SESSION_SECONDS = 3600;
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

export class RoleStore {
  private readonly roles = new Map<string, Role>();

  put(input: RoleInput): Role {
    if (!ACCOUNT_ID_PATTERN.test(input.accountId)) throw new Error(`accountId must be 12 digits, got ${input.accountId}`);
    if (!ROLE_NAME_PATTERN.test(input.roleName)) throw new Error(`invalid role name: ${input.roleName}`);
    const key = `${input.accountId}/${input.roleName}`;
    // Re-putting a role updates its trust policy in place, as UpdateAssumeRolePolicy does; the id stays.
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
