import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AssumedCredentials } from '../credentials/credential-resolver.js';
import { ExpiringCache } from '../credentials/expiring-cache.js';
import { ASSUME_ROLE_SESSION_SECONDS } from '../limits.js';

/**
 * What a heartbeat session of the delivery principal may do: assume customer roles, nothing else.
 * "The resulting session's permissions are the intersection of the role's identity-based policy and
 * the session policies" (botocore sts/2011-06-15/service-2.json, AssumeRoleRequest.Policy), so the
 * deliver role's own statement still pins the customer role names, the session-name prefix and the
 * ExternalId (infra/cdk/constructs/functions.ts), while its queue rights are out of the session's reach.
 * (The emulator accepts and ignores session policies: emulator/sts/operations.ts.)
 */
export const HEARTBEAT_SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'AssumeCustomerRolesOnly', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
});

export interface DeliveryPrincipalOptions {
  /** The delivery principal: the deliver function's role, the one customers' roles trust. */
  roleArn: string;
  sessionName: string;
  now?: () => number;
}

/** The role session name heartbeats act under, pinned in the delivery principal's trust policy. */
export function heartbeatSessionName(prefix: string): string {
  return `${prefix}-heartbeat`;
}

/**
 * Credentials of the delivery principal for the heartbeat function, by role chaining: the heartbeat's
 * own role assumes the deliver role (with HEARTBEAT_SESSION_POLICY), and customer roles are then
 * assumed with those credentials. Customers' trust policies name the deliver role's ARN, and a trust
 * policy naming a role admits that role's sessions: the deliver function itself reaches customer roles
 * with a session of its execution role, which is how Lambda runs a function (Lambda developer guide,
 * "Defining Lambda function permissions with an execution role"). So the heartbeat reaches them
 * without a third principal in their trust policies, and its own role needs no customer-role or queue
 * rights. Cached until CREDENTIAL_REFRESH_MARGIN_MS before expiry; a chained session lasts at most one
 * hour (ASSUME_ROLE_SESSION_SECONDS). A refusal is not cached.
 */
export function deliveryPrincipalCredentials(sts: STSClient, options: DeliveryPrincipalOptions): () => Promise<AssumedCredentials> {
  const cache = new ExpiringCache<AssumedCredentials>(undefined, { maxEntries: 1, ...(options.now ? { now: options.now } : {}) });
  const assume = async (): Promise<AssumedCredentials> => {
    const { Credentials } = await sts.send(new AssumeRoleCommand({
      RoleArn: options.roleArn,
      RoleSessionName: options.sessionName,
      DurationSeconds: ASSUME_ROLE_SESSION_SECONDS,
      Policy: HEARTBEAT_SESSION_POLICY,
    }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken || !Credentials.Expiration) {
      throw new Error(`AssumeRole on ${options.roleArn} returned no credentials`);
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  };
  return () => cache.get(options.roleArn, assume);
}
