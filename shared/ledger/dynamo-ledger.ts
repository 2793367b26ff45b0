import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand, type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../registry/table-keys.js';
import {
  keyText, type AcceptedVersion, type FateKind, type FindingFate, type FindingKey, type FindingState, type FindingSummary, type ImportedVersion,
  type Ledger, type ScanRecord, type SubmissionSummary, type SubmissionView,
} from './ledger-model.js';

/**
 * The ledger's table: its own, keyed like the registry's (`pk`, `sk`, TTL `expiresAt`), so ingest, an
 * internet-facing function, can write findings' records without any write on registrations or tokens.
 *
 * | item                | pk                                   | sk                                     |
 * |---------------------|--------------------------------------|----------------------------------------|
 * | accepted version    | FINDING#<accountId>#<productArn>     | A#<findingId>                          |
 * | imported version    | FINDING#<accountId>#<productArn>     | I#<findingId>                          |
 * | its JSON            | FINDING#<accountId>#<productArn>     | J#<findingId>                          |
 * | submission          | SUBMISSION#<submissionId>            | SUMMARY                                |
 * | a finding's fate    | SUBMISSION#<submissionId>            | F#<accountId>#<productArn>#<findingId> |
 * | a rejected finding  | SUBMISSION#<submissionId>            | R#<index, 6 digits>                    |
 * | partner's listing   | PARTNER#<partnerId>                  | SUBMISSION#<createdAt>#<submissionId>  |
 * | scan                | SCAN#<partnerId>#<scanId>            | SCAN                                   |
 *
 * An account's findings of one product share a partition, so archive by scan reads them with one
 * Query per kind. The imported JSON is an item of its own, read only by archive by scan: ingest and
 * deliver read the small A and I items of every finding they handle, and DynamoDB bills a read by the
 * whole item's size (a projection does not lower it), so the JSON in the I item would have made each
 * of those reads several times dearer and slower (npm run bench, ledger). Versions are plain puts: ingest and deliver each read, decide and write (dynalite has no
 * transactions), and deliver's writes for a quota are serial because the FIFO delivery queue hands a
 * message group to one consumer at a time. Fates are one item per finding, so a delivery retried after
 * a crash writes the same item again instead of counting twice.
 */
const FINDING_TTL_SECONDS = 100 * 24 * 3600;
const SUBMISSION_TTL_SECONDS = 14 * 24 * 3600;

/** BatchGetItem: "up to 100 items"; BatchWriteItem: "up to 25 item put or delete operations" (botocore dynamodb/2012-08-10/service-2.json). */
const BATCH_GET_KEYS = 100;
const BATCH_WRITE_ITEMS = 25;
/** Unprocessed keys and items are sent again this many times, after a jittered backoff (the DynamoDB developer guide advises it). */
const UNPROCESSED_ATTEMPTS = 6;

type Item = Record<string, unknown>;

const findingPartition = (key: FindingKey) => `FINDING#${key.accountId}#${key.productArn}`;
const submissionPartition = (submissionId: string) => `SUBMISSION#${submissionId}`;
const scanKey = (partnerId: string, scanId: string) => ({ [TABLE_KEYS.partitionKey]: `SCAN#${partnerId}#${scanId}`, [TABLE_KEYS.sortKey]: 'SCAN' });
const expiresIn = (seconds: number, now: number) => Math.floor(now / 1000) + seconds;

function fateSortKey(fate: FindingFate): string {
  const { accountId, productArn, id } = fate.key;
  if (accountId && productArn && id) return `F#${accountId}#${productArn}#${id}`;
  return `R#${String(fate.key.index ?? 0).padStart(6, '0')}`;
}

function fateItem(submissionId: string, fate: FindingFate, now: number): Item {
  return {
    [TABLE_KEYS.partitionKey]: submissionPartition(submissionId), [TABLE_KEYS.sortKey]: fateSortKey(fate),
    ...fate, [TABLE_KEYS.ttl]: expiresIn(SUBMISSION_TTL_SECONDS, now),
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class DynamoLedger implements Ledger {
  private readonly documents: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, private readonly tableName: string, private readonly clock: () => number = Date.now) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async findingStates(keys: FindingKey[]): Promise<Map<string, FindingState>> {
    const states = new Map<string, FindingState>();
    const wanted = new Map<string, Item>();
    for (const key of keys) {
      const pk = findingPartition(key);
      for (const sk of [`A#${key.id}`, `I#${key.id}`]) wanted.set(`${pk}\n${sk}`, { [TABLE_KEYS.partitionKey]: pk, [TABLE_KEYS.sortKey]: sk });
    }
    await Promise.all(chunks([...wanted.values()], BATCH_GET_KEYS).map(async (batch) => {
      let pending: Item[] = batch;
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} ledger reads unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`);
        if (attempt > 1) await backoff(attempt);
        const reply = await this.documents.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }));
        for (const item of reply.Responses?.[this.tableName] ?? []) {
          const { key, kind, version } = parseFindingItem(item);
          const text = keyText(key);
          const state = states.get(text) ?? {};
          if (kind === 'A') state.accepted = version as AcceptedVersion;
          else state.imported = version as ImportedVersion;
          states.set(text, state);
        }
        pending = (reply.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Item[];
      }
    }));
    return states;
  }

  async putAccepted(entries: Array<{ key: FindingKey; version: AcceptedVersion }>): Promise<void> {
    const now = this.clock();
    await this.writeAll(entries.map(({ key, version }) => ({
      [TABLE_KEYS.partitionKey]: findingPartition(key), [TABLE_KEYS.sortKey]: `A#${key.id}`, ...version, [TABLE_KEYS.ttl]: expiresIn(FINDING_TTL_SECONDS, now),
    })));
  }

  async putImported(entries: Array<{ key: FindingKey; version: ImportedVersion }>): Promise<void> {
    const now = this.clock();
    const expiresAt = expiresIn(FINDING_TTL_SECONDS, now);
    await this.writeAll(entries.flatMap(({ key, version: { json, ...version } }) => [
      { [TABLE_KEYS.partitionKey]: findingPartition(key), [TABLE_KEYS.sortKey]: `I#${key.id}`, ...version, [TABLE_KEYS.ttl]: expiresAt },
      { [TABLE_KEYS.partitionKey]: findingPartition(key), [TABLE_KEYS.sortKey]: `J#${key.id}`, json, [TABLE_KEYS.ttl]: expiresAt },
    ]));
  }

  async putSubmission(summary: SubmissionSummary, fates: FindingFate[]): Promise<void> {
    const now = this.clock();
    const expiresAt = expiresIn(SUBMISSION_TTL_SECONDS, now);
    await this.writeAll([
      { [TABLE_KEYS.partitionKey]: submissionPartition(summary.submissionId), [TABLE_KEYS.sortKey]: 'SUMMARY', ...summary, [TABLE_KEYS.ttl]: expiresAt },
      { [TABLE_KEYS.partitionKey]: `PARTNER#${summary.partnerId}`, [TABLE_KEYS.sortKey]: `SUBMISSION#${summary.createdAt}#${summary.submissionId}`,
        ...summary, [TABLE_KEYS.ttl]: expiresAt },
      ...fates.map((fate) => fateItem(summary.submissionId, fate, now)),
    ]);
  }

  async putFates(fates: Array<{ submissionId: string; fate: FindingFate }>): Promise<void> {
    const now = this.clock();
    await this.writeAll(fates.map(({ submissionId, fate }) => fateItem(submissionId, fate, now)));
  }

  async submission(partnerId: string, submissionId: string, limit: number): Promise<SubmissionView | undefined> {
    const items = await this.queryAll({ KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
      ExpressionAttributeValues: { ':pk': submissionPartition(submissionId) } });
    const summaryItem = items.find((item) => item[TABLE_KEYS.sortKey] === 'SUMMARY');
    if (!summaryItem || summaryItem.partnerId !== partnerId) return undefined;
    const summary = summaryOf(summaryItem);
    const counts: SubmissionView['counts'] = { queued: 0, imported: 0, 'dead-lettered': 0, ignored: 0, unchanged: 0, rejected: 0, failed: 0 };
    const notImported: FindingFate[] = [];
    // Queued: accepted (ingest's count of findings it was to queue) less those with a fate since: the
    // delivery's, and ingest's own `failed` (the queue did not take them).
    let settled = 0;
    for (const item of items) {
      if (item === summaryItem) continue;
      const fate = fateOf(item);
      counts[fate.fate] += 1;
      if (fate.stage === 'delivery' || fate.fate === 'failed') settled += 1;
      if (fate.fate !== 'imported') notImported.push(fate);
    }
    counts.queued = Math.max(0, summary.accepted - settled);
    return { ...summary, counts, findings: notImported.slice(0, limit), more: Math.max(0, notImported.length - limit) };
  }

  async submissions(partnerId: string, since: string, limit: number): Promise<SubmissionSummary[]> {
    const reply = await this.documents.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk >= :since',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
      ExpressionAttributeValues: { ':pk': `PARTNER#${partnerId}`, ':since': `SUBMISSION#${since}` },
      Limit: limit,
    }));
    return (reply.Items ?? []).map(summaryOf);
  }

  async startScan(partnerId: string, scanId: string, at: number): Promise<void> {
    await this.documents.send(new UpdateCommand({
      TableName: this.tableName, Key: scanKey(partnerId, scanId),
      UpdateExpression: 'SET startedAt = if_not_exists(startedAt, :at), partnerId = :partner, scanId = :scan, #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': TABLE_KEYS.ttl },
      ExpressionAttributeValues: { ':at': at, ':partner': partnerId, ':scan': scanId, ':ttl': expiresIn(SUBMISSION_TTL_SECONDS, this.clock()) },
    }));
  }

  async scan(partnerId: string, scanId: string): Promise<ScanRecord | undefined> {
    const reply = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: scanKey(partnerId, scanId), ConsistentRead: true }));
    if (!reply.Item) return undefined;
    const { startedAt, completedAt, result } = reply.Item as ScanRecord;
    return { partnerId, scanId, startedAt, ...(completedAt === undefined ? {} : { completedAt }), ...(result ? { result } : {}) };
  }

  async completeScan(partnerId: string, scanId: string, at: number, result: Record<string, unknown>): Promise<void> {
    await this.documents.send(new UpdateCommand({
      TableName: this.tableName, Key: scanKey(partnerId, scanId),
      UpdateExpression: 'SET completedAt = :at, #result = :result', ExpressionAttributeNames: { '#result': 'result' },
      ExpressionAttributeValues: { ':at': at, ':result': result },
    }));
  }

  async findingSummaries(accountId: string, productArn: string): Promise<FindingSummary[]> {
    const pk = findingPartition({ accountId, productArn, id: '' });
    // The A and I items only (two Queries by sort-key prefix): the J items hold the JSON.
    const [accepted, imported] = await Promise.all(['A#', 'I#'].map((prefix) => this.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
    })));
    const byId = new Map<string, FindingSummary>();
    for (const item of [...accepted!, ...imported!]) {
      const { key, kind, version } = parseFindingItem(item);
      const summary = byId.get(key.id) ?? { id: key.id };
      if (kind === 'A') summary.accepted = version as AcceptedVersion;
      else summary.imported = version as unknown as NonNullable<FindingSummary['imported']>;
      byId.set(key.id, summary);
    }
    return [...byId.values()];
  }

  async importedJson(accountId: string, productArn: string, ids: string[]): Promise<Map<string, string>> {
    const pk = findingPartition({ accountId, productArn, id: '' });
    const json = new Map<string, string>();
    await Promise.all(chunks([...new Set(ids)], BATCH_GET_KEYS).map(async (batch) => {
      let pending: Item[] = batch.map((id) => ({ [TABLE_KEYS.partitionKey]: pk, [TABLE_KEYS.sortKey]: `J#${id}` }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} ledger reads unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`);
        if (attempt > 1) await backoff(attempt);
        const reply = await this.documents.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }));
        for (const item of reply.Responses?.[this.tableName] ?? []) json.set(String(item[TABLE_KEYS.sortKey]).slice(2), String(item.json));
        pending = (reply.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Item[];
      }
    }));
    return json;
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const reply = await this.documents.send(new QueryCommand({ ...input, TableName: this.tableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
      items.push(...(reply.Items ?? []));
      startKey = reply.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async writeAll(items: Item[]): Promise<void> {
    // BatchWriteItem refuses a request naming one key twice; the last write of a key is the one that counts.
    const unique = new Map(items.map((item) => [`${String(item[TABLE_KEYS.partitionKey])}\n${String(item[TABLE_KEYS.sortKey])}`, item]));
    await Promise.all(chunks([...unique.values()], BATCH_WRITE_ITEMS).map(async (batch) => {
      let pending = batch.map((item) => ({ PutRequest: { Item: item } }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} ledger writes unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`);
        if (attempt > 1) await backoff(attempt);
        const reply = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = (reply.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      }
    }));
  }
}

/** Full jitter on 50 ms doubling, capped at 1 s (as the SDK's own retries back off). */
function backoff(attempt: number): Promise<unknown> {
  return sleep(Math.floor(Math.random() * Math.min(1000, 50 * 2 ** (attempt - 1))));
}

function parseFindingItem(item: Item): { key: FindingKey; kind: 'A' | 'I'; version: AcceptedVersion | ImportedVersion } {
  const pk = String(item[TABLE_KEYS.partitionKey]);
  const sk = String(item[TABLE_KEYS.sortKey]);
  // FINDING#<12-digit account>#<productArn>
  const accountId = pk.slice('FINDING#'.length, 'FINDING#'.length + 12);
  const productArn = pk.slice('FINDING#'.length + 13);
  const { [TABLE_KEYS.partitionKey]: _pk, [TABLE_KEYS.sortKey]: _sk, [TABLE_KEYS.ttl]: _ttl, ...version } = item;
  return { key: { accountId, productArn, id: sk.slice(2) }, kind: sk.startsWith('A#') ? 'A' : 'I', version: version as unknown as AcceptedVersion };
}

function summaryOf(item: Item): SubmissionSummary {
  const { submissionId, partnerId, createdAt, posted, accepted, scanId } = item as unknown as SubmissionSummary;
  return { submissionId, partnerId, createdAt, posted, accepted, ...(scanId ? { scanId } : {}) };
}

function fateOf(item: Item): FindingFate {
  const { key, fate, stage, code, message, at } = item as unknown as FindingFate;
  return { key, fate: fate as FateKind, stage, ...(code ? { code } : {}), ...(message ? { message } : {}), at };
}
