import { SecurityHubClient } from '@aws-sdk/client-securityhub';
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
 * Security Hub clients, one per Region and credentials, kept across invocations (creating a client
 * per call would redo endpoint and middleware setup). Session credentials are fixed on the client,
 * so a refreshed session simply gets a new client and the old one is replaced. At most `maxClients`
 * are kept (MAX_CACHED_DESTINATIONS): the least recently used is evicted and destroyed (its sockets
 * closed), and created again if its destination comes back.
 */
export class SecurityHubClients {
  private readonly clients: LruMap<string, { accessKeyId: string | undefined; client: SecurityHubClient }>;

  constructor(
    private readonly wrap: (client: SecurityHubClient) => SecurityHubClient = (client) => client,
    options: { maxClients?: number } = {},
  ) {
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
      new SecurityHubClient({ region, maxAttempts: SDK_MAX_ATTEMPTS, ...(credentials ? { credentials } : {}) }),
    );
    this.clients.set(key, { accessKeyId: credentials?.accessKeyId, client });
    return client;
  }
}
