import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_KEYS } from '#shared/registry/table-keys.js';

export interface LocalDynamo {
  endpoint: string;
  /** Requests served so far, by operation (X-Amz-Target's), for the benchmark's cost figures. */
  requestCounts(): Record<string, number>;
  stop(): Promise<void>;
}

/** dynalite on loopback; persisted under `path` (LevelDB) or in memory when no path is given. */
export async function startDynamo(port: number, path?: string): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const counts: Record<string, number> = {};
  server.on('request', (request: { headers: Record<string, string | string[] | undefined> }) => {
    const operation = String(request.headers['x-amz-target'] ?? 'unknown').split('.').pop()!;
    counts[operation] = (counts[operation] ?? 0) + 1;
  });
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    requestCounts: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * One of the broker's tables, keyed as the CDK stack creates it (the registry with its index, the
 * ledger without); a no-op when it exists (persisted data).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string, options: { index?: boolean } = {}): Promise<void> {
  const index = options.index ?? true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
          ...(index ? [
            { AttributeName: TABLE_KEYS.gsiPartitionKey, AttributeType: 'S' as const },
            { AttributeName: TABLE_KEYS.gsiSortKey, AttributeType: 'S' as const },
          ] : []),
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        ...(index ? { GlobalSecondaryIndexes: [
          {
            IndexName: TABLE_KEYS.gsi,
            KeySchema: [
              { AttributeName: TABLE_KEYS.gsiPartitionKey, KeyType: 'HASH' },
              { AttributeName: TABLE_KEYS.gsiSortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          },
        ] } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
