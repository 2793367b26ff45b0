import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AssumedCredentials } from '../credentials/credential-resolver.js';

/** How many times the SDK itself tries a throttled or 5xx import before the broker takes over. */
const SDK_MAX_ATTEMPTS = 3;

/**
 * Security Hub clients, one per Region and credentials, kept for the container's life (creating a
 * client per call would redo endpoint and middleware setup). Session credentials are fixed on the
 * client, so a refreshed session simply gets a new client and the old one is replaced.
 */
export class SecurityHubClients {
  private readonly clients = new Map<string, { accessKeyId: string | undefined; client: SecurityHubClient }>();

  constructor(private readonly wrap: (client: SecurityHubClient) => SecurityHubClient = (client) => client) {}

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
