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
  /** Roles whose credentials are kept, least recently used evicted first (default MAX_CACHED_DESTINATIONS). */
  maxEntries?: number;
}

interface AssumeRoleRequest {
  roleArn: string;
  externalId: string;
  sessionName: string;
}

/**
 * Picks credentials by delivery mode, never by special case:
 * - cross-account-role: the customer's role, assumed with the customer's ExternalId, cached;
 * - partner-account and customer-hosted: the function's own credentials (undefined = the SDK's
 *   default provider chain), because the broker itself runs in the account that imports.
 * The only per-role state is the bounded credential cache: each fetch carries its own AssumeRole
 * request, so nothing else is kept per role for the container's life.
 */
export class CredentialResolver {
  private readonly cache: ExpiringCache<AssumedCredentials>;

  constructor(
    private readonly sts: STSClient,
    private readonly options: CredentialResolverOptions,
  ) {
    this.cache = new ExpiringCache<AssumedCredentials>(undefined, {
      ...(options.now ? { now: options.now } : {}),
      ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
    });
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
    const request: AssumeRoleRequest = {
      roleArn: registration.roleArn,
      externalId: registration.externalId,
      sessionName: roleSessionName(this.options.sessionNamePrefix, registration.partnerId),
    };
    return this.cache.get(key, () => this.assume(request));
  }

  invalidate(registration: Registration): void {
    const key = this.identityOf(registration);
    if (key !== undefined) this.cache.invalidate(key);
  }

  private async assume(request: AssumeRoleRequest): Promise<AssumedCredentials> {
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
