import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../registry/table-keys.js';

/** A quota's token bucket as one invocation leaves it for the next (import-pacer.ts). */
export interface QuotaState {
  tokens: number;
  /** Calls per second, lowered after throttling. */
  rate: number;
  /** When `tokens` was measured, ms since the epoch. */
  at: number;
}

export interface QuotaStates {
  load(key: string): Promise<QuotaState | undefined>;
  save(key: string, state: QuotaState): Promise<void>;
}

/**
 * An idle bucket is full again within seconds, so its item is only kept a day (the table's TTL
 * attribute); one that is gone starts full.
 */
const QUOTA_STATE_TTL_SECONDS = 24 * 3600;

/**
 * Quota buckets in the registry table, one item per quota key (`pk` QUOTA#<key>, `sk` QUOTA): read
 * with a strongly consistent GetItem when an invocation first paces a key, written with UpdateItem
 * when it ends. No condition is needed: the FIFO delivery queue gives a key to one invocation at a
 * time, so nothing else writes the item meanwhile.
 */
export class DynamoQuotaStates implements QuotaStates {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(key: string): Promise<QuotaState | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: quotaKey(key), ConsistentRead: true }));
    if (!Item || typeof Item.tokens !== 'number' || typeof Item.rate !== 'number' || typeof Item.at !== 'number') return undefined;
    return { tokens: Item.tokens, rate: Item.rate, at: Item.at };
  }

  async save(key: string, state: QuotaState): Promise<void> {
    await this.documents.send(new UpdateCommand({
      TableName: this.tableName,
      Key: quotaKey(key),
      // Names through placeholders: DynamoDB reserves many plain words.
      UpdateExpression: 'SET #tokens = :tokens, #rate = :rate, #at = :at, #ttl = :ttl',
      ExpressionAttributeNames: { '#tokens': 'tokens', '#rate': 'rate', '#at': 'at', '#ttl': TABLE_KEYS.ttl },
      ExpressionAttributeValues: {
        ':tokens': state.tokens, ':rate': state.rate, ':at': state.at,
        ':ttl': Math.floor(state.at / 1000) + QUOTA_STATE_TTL_SECONDS,
      },
    }));
  }
}

function quotaKey(key: string): Record<string, string> {
  return { [TABLE_KEYS.partitionKey]: `QUOTA#${key}`, [TABLE_KEYS.sortKey]: 'QUOTA' };
}

/** Buckets in memory: for tests, and a deliver function used alone. */
export class MemoryQuotaStates implements QuotaStates {
  readonly saved = new Map<string, QuotaState>();

  async load(key: string): Promise<QuotaState | undefined> {
    const state = this.saved.get(key);
    return state && { ...state };
  }

  async save(key: string, state: QuotaState): Promise<void> {
    this.saved.set(key, { ...state });
  }
}
