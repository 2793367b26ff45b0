/**
 * Who a request's access key belongs to: long-term keys registered by the admin API, and session
 * credentials issued by AssumeRole. The caller's account and principal always come from here,
 * never from anything the request claims. Role sessions are authorised against their role's
 * permission policies (authorization.ts). Assumption: long-term keys are not: a user or a role key
 * registered by the admin API may call every action in its own account (service control policies
 * still apply to it); see also trust-policy.ts. Not modelled: access key deactivation or deletion,
 * GetSessionToken and federation.
 */
import { ACCOUNT_ID_PATTERN, assumedRoleArn, parseRoleArn, principalAccount } from './arn.js';
import * as ids from './ids.js';
import { IN_MEMORY, type Persistence } from './persistence.js';
import type { AccessKeyInput, AccessKeyPair } from './types.js';

export interface Caller {
  accountId: string;
  /**
   * aws:PrincipalArn: "For IAM roles, the request context returns the ARN of the role, not the ARN of
   * the user that assumed the role" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn);
   * otherwise the registered principal.
   */
  principalArn: string;
  /**
   * What GetCallerIdentity reports ("The Amazon Web Services ARN associated with the calling entity",
   * botocore sts/2011-06-15/service-2.json, GetCallerIdentityResponse.Arn) and what AccessDenied
   * messages name (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
   */
  arn: string;
  /**
   * aws:userid: the user's unique id, or `role-id:role-session-name` for a role session
   * (GetCallerIdentityResponse.UserId, which points to the principal table of
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable).
   */
  userId: string;
  /**
   * Assuming a role with a role's credentials is role chaining, capped at one hour
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining).
   * Assumption: a long-term key registered with a role ARN stands for role credentials (such as a
   * Lambda function's execution role) and chains too; the EC2 instance-profile exception is not modelled.
   */
  isRole: boolean;
  /**
   * For session credentials issued by AssumeRole: the role they are a session of, by its unique id, so
   * that a deleted and re-created role of the same name does not lend its permissions to old sessions
   * (IAM keys roles by unique id, reference_identifiers.html#identifiers-unique-ids).
   */
  session?: { accountId: string; roleName: string; roleId: string };
}

export interface Credential {
  secretAccessKey: string;
  caller: Caller;
  /** Session credentials only. */
  sessionToken?: string;
  expiresAt?: number;
}

export interface SessionInput {
  accountId: string;
  roleName: string;
  /** The role's ARN, with its path (aws:PrincipalArn of the session). */
  roleArn: string;
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

  constructor(private readonly persistence: Persistence = IN_MEMORY) {}

  /**
   * Takes back what an earlier run stored. Session credentials already expired on the wall clock are
   * dropped (and deleted from storage, the only compaction the store needs): the emulator clock starts
   * at wall time on every start, so they could never be used again.
   */
  restore(now: number): void {
    for (const { key, value } of this.persistence.load('credential')) {
      const credential = value as Credential;
      if (credential.expiresAt !== undefined && credential.expiresAt <= now) this.persistence.delete('credential', key);
      else this.credentials.set(key, credential);
    }
  }

  private store(accessKeyId: string, credential: Credential): void {
    this.credentials.set(accessKeyId, credential);
    this.persistence.put('credential', accessKeyId, credential);
  }

  /**
   * Emulator-only (IAM's CreateAccessKey is not modelled): registers a key for any principal ARN;
   * throws a plain Error on bad admin input. Assumption: a key registered with a role ARN reports the
   * role ARN itself from GetCallerIdentity (a real role session would report an assumed-role ARN) and
   * a fresh AROA user id without a session name. Registering a key again for the same principal keeps
   * its user id, as IAM keeps a user's unique id for its lifetime (reference_identifiers.html#identifiers-unique-ids):
   * the local stack registers its keys again on every start, over the ones it restored.
   */
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
    const earlier = this.credentials.get(pair.accessKeyId);
    const keptUserId = earlier && earlier.sessionToken === undefined && earlier.caller.principalArn === input.principalArn ? earlier.caller.userId : undefined;
    this.store(pair.accessKeyId, {
      secretAccessKey: pair.secretAccessKey,
      caller: {
        accountId: input.accountId,
        principalArn: input.principalArn,
        arn: input.principalArn,
        userId: keptUserId ?? ids.uniqueId(isRole ? 'AROA' : 'AIDA'),
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
    // "A unique identifier that contains the role ID and the role session name" (botocore
    // sts/2011-06-15/service-2.json, AssumedRoleUser.AssumedRoleId); `role-id:caller-specified-role-name`
    // in the principal table (reference_policies_variables.html#principaltable).
    const assumedRoleId = `${input.roleId}:${input.sessionName}`;
    this.store(accessKeyId, {
      secretAccessKey: secret,
      sessionToken,
      expiresAt: input.expiresAt,
      caller: {
        accountId: input.accountId,
        principalArn: input.roleArn,
        arn,
        userId: assumedRoleId,
        isRole: true,
        session: { accountId: input.accountId, roleName: input.roleName, roleId: input.roleId },
      },
    });
    return { accessKeyId, secretAccessKey: secret, sessionToken, assumedRoleArn: arn, assumedRoleId };
  }

  lookup(accessKeyId: string): Credential | undefined {
    return this.credentials.get(accessKeyId);
  }
}
