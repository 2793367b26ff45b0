/**
 * The key, index and TTL attribute names of the broker's tables (the registry, and the ledger, which
 * uses the same key names without the index): one definition, read by the code that reads and writes
 * items (dynamo-registry.ts, quota-states.ts, shared/ledger), the local stack that creates the tables,
 * and the CDK stack that deploys them (infra/cdk/constructs/storage.ts), so a rename cannot pass the
 * tests and break a deployment.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', gsi: 'gsi1', gsiPartitionKey: 'gsi1pk', gsiSortKey: 'gsi1sk', ttl: 'expiresAt' } as const;
