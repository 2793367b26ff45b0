import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { AssumedCredentials } from '../credentials/credential-resolver.js';
import { LruMap } from '../credentials/lru-map.js';
import { MAX_CACHED_DESTINATIONS } from '../limits.js';

/**
 * The SDK tries each import once: its own retries would not wait for the quota's pacer (measured: 10
 * of 111 calls throttled with them on). deliver-group.ts retries throttled and 5xx calls itself,
 * each retry paced like any call.
 */
const SDK_MAX_ATTEMPTS = 1;

/**
 * Where Security Hub answers when it is not AWS's own endpoint (the local stack's emulator), and the
 * credentials of imports made as the function itself (partner-account and customer-hosted modes),
 * when they are not the environment's.
 */
export interface SecurityHubBase {
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
}

/**
 * Security Hub clients, one per Region and credentials, kept across invocations (creating a client
 * per call would redo endpoint and middleware setup). Session credentials are fixed on the client,
 * so a refreshed session simply gets a new client and the old one is replaced. At most `maxClients`
 * are kept (MAX_CACHED_DESTINATIONS): the least recently used is evicted and destroyed (its sockets
 * closed), and created again if its destination comes back.
 */
export class SecurityHubClients {
  private readonly clients: LruMap<string, { accessKeyId: string | undefined; client: SecurityHubClient }>;

  private readonly base: SecurityHubBase;

  constructor(
    private readonly wrap: (client: SecurityHubClient) => SecurityHubClient = (client) => client,
    options: { maxClients?: number } & SecurityHubBase = {},
  ) {
    this.base = { ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) };
    this.clients = new LruMap(options.maxClients ?? MAX_CACHED_DESTINATIONS, (_key, evicted) => evicted.client.destroy());
  }

  get size(): number {
    return this.clients.size;
  }

  get(region: string, identity: string | undefined, credentials: AssumedCredentials | undefined): SecurityHubClient {
    const key = `${region}|${identity ?? 'own'}`;
    const cached = this.clients.get(key);
    if (cached && cached.accessKeyId === credentials?.accessKeyId) return cached.client;
    cached?.client.destroy();
    const client = this.wrap(
      new SecurityHubClient({ region, maxAttempts: SDK_MAX_ATTEMPTS, ...this.base, ...(credentials ? { credentials } : {}) }),
    );
    this.clients.set(key, { accessKeyId: credentials?.accessKeyId, client });
    return client;
  }
}
