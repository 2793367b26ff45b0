import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

/** One operator action on the DLQ, kept in the registry table under `AUDIT#DLQ` (append-only). */
export interface AuditRecord {
  action: 'purge' | 'redrive' | 'redrive-all' | 'self-heal';
  /** The caller's ARN (STS GetCallerIdentity), or `broker:verify` for self-healing. */
  by: string;
  at: string;
  filter: Record<string, unknown>;
  messages: number;
  findings: number;
  dryRun?: boolean;
  note?: string;
}

const PARTITION = 'AUDIT#DLQ';

export class DlqAuditLog {
  private readonly documents: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, private readonly tableName: string) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async record(entry: AuditRecord): Promise<void> {
    await this.documents.send(new PutCommand({
      TableName: this.tableName,
      // Time first, so a Query reads them in order; a random suffix keeps two records of one millisecond apart.
      Item: { pk: PARTITION, sk: `${entry.at}#${randomUUID()}`, ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  }

  /** The most recent records first. */
  async list(limit = 50): Promise<AuditRecord[]> {
    const { Items = [] } = await this.documents.send(new QueryCommand({
      TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PARTITION },
      ScanIndexForward: false, Limit: limit,
    }));
    return Items.map(({ pk: _pk, sk: _sk, ...record }) => record as AuditRecord);
  }
}
