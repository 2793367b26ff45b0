import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { AccessFailures, Partner, PartnerToken, Registration } from './model.js';
import type { Registry } from './registry.js';
import { TABLE_KEYS } from './table-keys.js';

/**
 * Single-table design (partition key `pk`, sort key `sk`, GSI `gsi1` on `gsi1pk`/`gsi1sk`):
 *
 * | item          | pk                     | sk                    | gsi1pk              | gsi1sk                          |
 * |---------------|------------------------|-----------------------|---------------------|---------------------------------|
 * | partner       | PARTNER#<partnerId>    | PARTNER               | PARTNERS            | PARTNER#<partnerId>             |
 * | partner token | TOKEN#<tokenId>        | TOKEN                 | PARTNER#<partnerId> | TOKEN#<tokenId>                 |
 * | registration  | ACCOUNT#<accountId>    | PRODUCT#<productKey>  | PARTNER#<partnerId> | REGISTRATION#<accountId>#<key>  |
 *
 * Ingest and delivery read registrations by their exact key (one GetItem per account+product); an
 * account's own registrations are one Query on its partition; the GSI serves the partner-scoped
 * listings of the admin tool and the product catalogue (all partners under `PARTNERS`).
 * Conditional writes only (dynalite has no transactions).
 */
export { TABLE_KEYS };

const partnerKey = (partnerId: string) => ({ pk: `PARTNER#${partnerId}`, sk: 'PARTNER' });
const tokenKey = (tokenId: string) => ({ pk: `TOKEN#${tokenId}`, sk: 'TOKEN' });
const registrationKey = (accountId: string, productKey: string) => ({
  pk: `ACCOUNT#${accountId}`,
  sk: `PRODUCT#${productKey}`,
});

type Item = Record<string, unknown>;

function registrationItem(registration: Registration): Item {
  const { accountId, productKey, partnerId } = registration;
  return {
    ...registrationKey(accountId, productKey),
    gsi1pk: `PARTNER#${partnerId}`,
    gsi1sk: `REGISTRATION#${accountId}#${productKey}`,
    ...registration,
  };
}

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
      new PutCommand({
        TableName: this.tableName,
        Item: { ...partnerKey(partner.partnerId), gsi1pk: 'PARTNERS', gsi1sk: `PARTNER#${partner.partnerId}`, ...partner },
      }),
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
    const { partnerId } = registration;
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: registrationItem(registration),
        // A registration never changes hands: another partner's product key cannot overwrite it.
        ConditionExpression: 'attribute_not_exists(pk) OR partnerId = :partnerId',
        ExpressionAttributeValues: { ':partnerId': partnerId },
      }),
    );
  }

  async listRegistrations(partnerId: string): Promise<Registration[]> {
    return this.queryPartnerItems<Registration>(partnerId, 'REGISTRATION#');
  }

  async listPartners(): Promise<Partner[]> {
    return this.queryIndex<Partner>('PARTNERS', 'PARTNER#');
  }

  async listAccountRegistrations(accountId: string): Promise<Registration[]> {
    return this.queryAll<Registration>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}`, ':prefix': 'PRODUCT#' },
      ConsistentRead: true,
    });
  }

  async createRegistration(registration: Registration): Promise<{ created: true } | { created: false; existing: Registration }> {
    try {
      await this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: registrationItem(registration), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return { created: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getRegistration(registration.accountId, registration.productKey);
      // Deleted between the failed write and the read: cannot happen (registrations are never deleted).
      if (!existing) throw error;
      return { created: false, existing };
    }
  }

  async replaceRegistration(registration: Registration, expectedVersion: number): Promise<boolean> {
    const versionCheck = expectedVersion === 0 ? 'attribute_not_exists(version)' : 'version = :expected';
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: registrationItem(registration),
          ConditionExpression: `attribute_exists(pk) AND ${versionCheck} AND #status <> :offboarded AND partnerId = :partnerId`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':offboarded': 'OFFBOARDED',
            ':partnerId': registration.partnerId,
            ...(expectedVersion === 0 ? {} : { ':expected': expectedVersion }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async recordAccessFailure(
    accountId: string,
    productKey: string,
    failure: Omit<AccessFailures, 'count' | 'firstAt'>,
  ): Promise<AccessFailures | undefined> {
    // Two conditional shapes (DynamoDB cannot create a map and add to its member in one update):
    // count on in the existing map, or start one. A racing writer makes one of them fail; try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const counted = await this.updateIfActive(accountId, productKey, {
        UpdateExpression: 'SET accessFailures.#count = accessFailures.#count + :one, accessFailures.lastAt = :lastAt, ' +
          'accessFailures.code = :code, accessFailures.message = :message, accessFailures.#region = :region',
        ConditionExpression: '#status = :active AND attribute_exists(accessFailures)',
        ExpressionAttributeNames: { '#status': 'status', '#count': 'count', '#region': 'region' },
        ExpressionAttributeValues: { ':one': 1, ':active': 'ACTIVE', ':lastAt': failure.lastAt, ':code': failure.code, ':message': failure.message, ':region': failure.region },
      });
      if (counted) return counted;
      const started = await this.updateIfActive(accountId, productKey, {
        UpdateExpression: 'SET accessFailures = :fresh',
        ConditionExpression: '#status = :active AND attribute_not_exists(accessFailures)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':fresh': { ...failure, count: 1, firstAt: failure.lastAt }, ':active': 'ACTIVE' },
      });
      if (started) return started;
      const current = await this.getRegistration(accountId, productKey);
      if (current?.status !== 'ACTIVE') return undefined;
    }
    return undefined;
  }

  private async updateIfActive(
    accountId: string,
    productKey: string,
    update: Pick<ConstructorParameters<typeof UpdateCommand>[0], 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<AccessFailures | undefined> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({ TableName: this.tableName, Key: registrationKey(accountId, productKey), ReturnValues: 'ALL_NEW', ...update }),
      );
      return Attributes?.accessFailures as AccessFailures | undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async suspendRegistration(accountId: string, productKey: string, change: { at: string; by: string; reason: string }): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: registrationKey(accountId, productKey),
          UpdateExpression: 'SET #status = :suspended, updatedAt = :at, version = if_not_exists(version, :zero) + :one, ' +
            '#history = list_append(if_not_exists(#history, :empty), :entry)',
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status', '#history': 'history' },
          ExpressionAttributeValues: {
            ':suspended': 'SUSPENDED', ':active': 'ACTIVE', ':at': change.at, ':zero': 0, ':one': 1, ':empty': [],
            ':entry': [{ status: 'SUSPENDED', at: change.at, by: change.by, reason: change.reason }],
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async recordRedrive(accountId: string, productKey: string, redrive: NonNullable<Registration['lastRedrive']>): Promise<void> {
    await this.documents.send(new UpdateCommand({
      TableName: this.tableName, Key: registrationKey(accountId, productKey),
      UpdateExpression: 'SET lastRedrive = :redrive', ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':redrive': redrive },
    }));
  }

  async clearAccessFailures(accountId: string, productKey: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: registrationKey(accountId, productKey),
          UpdateExpression: 'REMOVE accessFailures',
          ConditionExpression: 'attribute_exists(accessFailures)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? withoutKeys<T>(Item) : undefined;
  }

  private async queryPartnerItems<T>(partnerId: string, prefix: string): Promise<T[]> {
    return this.queryIndex<T>(`PARTNER#${partnerId}`, prefix);
  }

  private async queryIndex<T>(partitionValue: string, prefix: string): Promise<T[]> {
    return this.queryAll<T>({
      IndexName: TABLE_KEYS.gsi,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partitionValue, ':prefix': prefix },
    });
  }

  /** Every page of a query, as domain objects. */
  private async queryAll<T>(query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<T[]> {
    const items: T[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.documents.send(new QueryCommand({ TableName: this.tableName, ...query, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []).map((item) => withoutKeys<T>(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
