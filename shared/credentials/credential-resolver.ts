import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { ASSUME_ROLE_SESSION_SECONDS } from '../limits.js';
import type { Registration } from '../registry/model.js';
import { ExpiringCache } from './expiring-cache.js';

/** Temporary credentials as the SDK clients take them. */
export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** A role session name AWS accepts: [\w+=,.@-]{2,64}, prefixed so IAM conditions can pin it. */
export function roleSessionName(prefix: string, partnerId: string): string {
  return `${prefix}-${partnerId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export interface CredentialResolverOptions {
  sessionNamePrefix: string;
  now?: () => number;
  /** Called after each AssumeRole call (for the AssumeRoleCalls metric). */
  onAssumeRole?: () => void;
}

/**
 * Picks credentials by delivery mode, never by special case:
 * - cross-account-role: the customer's role, assumed with the customer's ExternalId, cached;
 * - partner-account and customer-hosted: the function's own credentials (undefined = the SDK's
 *   default provider chain), because the broker itself runs in the account that imports.
 */
export class CredentialResolver {
  private readonly cache: ExpiringCache<AssumedCredentials>;
  private readonly requests = new Map<string, { roleArn: string; externalId: string; sessionName: string }>();

  constructor(
    private readonly sts: STSClient,
    private readonly options: CredentialResolverOptions,
  ) {
    this.cache = new ExpiringCache((key) => this.assume(key), { now: options.now });
  }

  /** The cache key of a registration's credentials, or undefined for the function's own. */
  identityOf(registration: Registration): string | undefined {
    if (registration.mode !== 'cross-account-role') return undefined;
    return `${registration.roleArn ?? ''}|${registration.externalId ?? ''}`;
  }

  async credentialsFor(registration: Registration): Promise<AssumedCredentials | undefined> {
    const key = this.identityOf(registration);
    if (key === undefined) return undefined;
    if (!registration.roleArn || !registration.externalId) {
      throw new Error(`Registration ${registration.accountId}/${registration.productKey} has no role ARN or ExternalId.`);
    }
    this.requests.set(key, {
      roleArn: registration.roleArn,
      externalId: registration.externalId,
      sessionName: roleSessionName(this.options.sessionNamePrefix, registration.partnerId),
    });
    return this.cache.get(key);
  }

  invalidate(registration: Registration): void {
    const key = this.identityOf(registration);
    if (key !== undefined) this.cache.invalidate(key);
  }

  private async assume(key: string): Promise<AssumedCredentials> {
    const request = this.requests.get(key);
    if (!request) throw new Error(`no AssumeRole request recorded for ${key}`);
    this.options.onAssumeRole?.();
    const { Credentials } = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: request.roleArn,
        ExternalId: request.externalId,
        RoleSessionName: request.sessionName,
        DurationSeconds: ASSUME_ROLE_SESSION_SECONDS,
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken || !Credentials.Expiration) {
      throw new Error(`AssumeRole on ${request.roleArn} returned no credentials`);
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  }
}
