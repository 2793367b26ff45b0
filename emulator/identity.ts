/**
 * Who a request's access key belongs to: long-term keys registered by the admin API, and session
 * credentials issued by AssumeRole. The caller's account and principal always come from here,
 * never from anything the request claims.
 */
import { ACCOUNT_ID_PATTERN, assumedRoleArn, parseRoleArn, principalAccount, roleArn } from './arn.js';
import * as ids from './ids.js';
import type { AccessKeyInput, AccessKeyPair } from './types.js';

export interface Caller {
  accountId: string;
  /** aws:PrincipalArn: the role ARN for role sessions, otherwise the registered principal. */
  principalArn: string;
  /** What GetCallerIdentity reports and what AccessDenied messages name. */
  arn: string;
  userId: string;
  /** Assuming a role from a role (session or role key) is role chaining, capped at one hour. */
  isRole: boolean;
}

interface Credential {
  secretAccessKey: string;
  caller: Caller;
  /** Session credentials only. */
  sessionToken?: string;
  expiresAt?: number;
}

export interface SessionInput {
  accountId: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  expiresAt: number;
}

export interface IssuedSession extends AccessKeyPair {
  sessionToken: string;
  assumedRoleArn: string;
  assumedRoleId: string;
}

export class CredentialStore {
  private readonly credentials = new Map<string, Credential>();

  addAccessKey(input: AccessKeyInput): AccessKeyPair {
    if (!ACCOUNT_ID_PATTERN.test(input.accountId)) throw new Error(`accountId must be 12 digits, got ${input.accountId}`);
    if (principalAccount(input.principalArn) !== input.accountId) {
      throw new Error(`principalArn ${input.principalArn} is not in account ${input.accountId}`);
    }
    const pair = {
      accessKeyId: input.accessKeyId ?? ids.accessKeyId('long-term'),
      secretAccessKey: input.secretAccessKey ?? ids.secretAccessKey(),
    };
    const isRole = parseRoleArn(input.principalArn) !== undefined;
    this.credentials.set(pair.accessKeyId, {
      secretAccessKey: pair.secretAccessKey,
      caller: {
        accountId: input.accountId,
        principalArn: input.principalArn,
        arn: input.principalArn,
        userId: ids.uniqueId(isRole ? 'AROA' : 'AIDA'),
        isRole,
      },
    });
    return pair;
  }

  issueSession(input: SessionInput): IssuedSession {
    const accessKeyId = ids.accessKeyId('session');
    const secret = ids.secretAccessKey();
    const sessionToken = ids.sessionToken();
    const arn = assumedRoleArn(input.accountId, input.roleName, input.sessionName);
    const assumedRoleId = `${input.roleId}:${input.sessionName}`;
    this.credentials.set(accessKeyId, {
      secretAccessKey: secret,
      sessionToken,
      expiresAt: input.expiresAt,
      caller: {
        accountId: input.accountId,
        principalArn: roleArn(input.accountId, input.roleName),
        arn,
        userId: assumedRoleId,
        isRole: true,
      },
    });
    return { accessKeyId, secretAccessKey: secret, sessionToken, assumedRoleArn: arn, assumedRoleId };
  }

  lookup(accessKeyId: string): Credential | undefined {
    return this.credentials.get(accessKeyId);
  }
}
