import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Partner, PartnerToken, Registration } from './model.js';
import type { Registry } from './registry.js';

/**
 * Single-table design (partition key `pk`, sort key `sk`, GSI `gsi1` on `gsi1pk`/`gsi1sk`):
 *
 * | item          | pk                     | sk                    | gsi1pk              | gsi1sk                          |
 * |---------------|------------------------|-----------------------|---------------------|---------------------------------|
 * | partner       | PARTNER#<partnerId>    | PARTNER               | -                   | -                               |
 * | partner token | TOKEN#<tokenId>        | TOKEN                 | PARTNER#<partnerId> | TOKEN#<tokenId>                 |
 * | registration  | ACCOUNT#<accountId>    | PRODUCT#<productKey>  | PARTNER#<partnerId> | REGISTRATION#<accountId>#<key>  |
 *
 * Ingest and delivery read registrations by their exact key (one GetItem per account+product);
 * the GSI serves the partner-scoped listings of the onboarding and admin tools.
 * Conditional writes only (dynalite has no transactions).
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', gsi: 'gsi1', gsiPartitionKey: 'gsi1pk', gsiSortKey: 'gsi1sk', ttl: 'expiresAt' } as const;

const partnerKey = (partnerId: string) => ({ pk: `PARTNER#${partnerId}`, sk: 'PARTNER' });
const tokenKey = (tokenId: string) => ({ pk: `TOKEN#${tokenId}`, sk: 'TOKEN' });
const registrationKey = (accountId: string, productKey: string) => ({
  pk: `ACCOUNT#${accountId}`,
  sk: `PRODUCT#${productKey}`,
});

type Item = Record<string, unknown>;

/** Drops the key attributes so records leave the adapter as plain domain objects. */
function withoutKeys<T>(item: Item): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...record } = item;
  return record as T;
}

export class DynamoRegistry implements Registry {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async getPartner(partnerId: string): Promise<Partner | undefined> {
    return this.get<Partner>(partnerKey(partnerId));
  }

  async putPartner(partner: Partner): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { ...partnerKey(partner.partnerId), ...partner } }),
    );
  }

  async getToken(tokenId: string): Promise<PartnerToken | undefined> {
    return this.get<PartnerToken>(tokenKey(tokenId));
  }

  async putToken(token: PartnerToken): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...tokenKey(token.tokenId),
          gsi1pk: `PARTNER#${token.partnerId}`,
          gsi1sk: `TOKEN#${token.tokenId}`,
          ...token,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async revokeToken(tokenId: string, revokedAt: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: tokenKey(tokenId),
        UpdateExpression: 'SET revokedAt = :revokedAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':revokedAt': revokedAt },
      }),
    );
  }

  async listTokens(partnerId: string): Promise<PartnerToken[]> {
    return this.queryPartnerItems<PartnerToken>(partnerId, 'TOKEN#');
  }

  async getRegistration(accountId: string, productKey: string): Promise<Registration | undefined> {
    return this.get<Registration>(registrationKey(accountId, productKey));
  }

  async putRegistration(registration: Registration): Promise<void> {
    const { accountId, productKey, partnerId } = registration;
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...registrationKey(accountId, productKey),
          gsi1pk: `PARTNER#${partnerId}`,
          gsi1sk: `REGISTRATION#${accountId}#${productKey}`,
          ...registration,
        },
        // A registration never changes hands: another partner's product key cannot overwrite it.
        ConditionExpression: 'attribute_not_exists(pk) OR partnerId = :partnerId',
        ExpressionAttributeValues: { ':partnerId': partnerId },
      }),
    );
  }

  async listRegistrations(partnerId: string): Promise<Registration[]> {
    return this.queryPartnerItems<Registration>(partnerId, 'REGISTRATION#');
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? withoutKeys<T>(Item) : undefined;
  }

  private async queryPartnerItems<T>(partnerId: string, prefix: string): Promise<T[]> {
    const items: T[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE_KEYS.gsi,
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `PARTNER#${partnerId}`, ':prefix': prefix },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => withoutKeys<T>(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
