import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '#shared/registry/table-keys.js';

/** The tables' key, index and TTL names, as the code reads them (one definition: shared/registry/table-keys.ts). */
export const TABLE_SCHEMA = {
  partitionKey: TABLE_KEYS.partitionKey,
  sortKey: TABLE_KEYS.sortKey,
  gsi1: { name: TABLE_KEYS.gsi, partitionKey: TABLE_KEYS.gsiPartitionKey, sortKey: TABLE_KEYS.gsiSortKey },
  ttlAttribute: TABLE_KEYS.ttl,
} as const;

/** Item reads a principal may be granted, one by one: point reads and queries, never Scan. */
export type RegistryItemRead = 'dynamodb:GetItem' | 'dynamodb:BatchGetItem' | 'dynamodb:Query';
/** What "table read" means for the broker's functions. */
const READ_ACTIONS: readonly [RegistryItemRead, ...RegistryItemRead[]] = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/**
 * Item writes a function may be granted, one by one. There is deliberately no DeleteItem, Scan or batch
 * write here: registrations change status (and keep their history), they are never deleted by a function.
 */
export type RegistryItemWrite = 'dynamodb:PutItem' | 'dynamodb:UpdateItem';
/**
 * Reading items encrypted with a customer managed key needs these on the key (DynamoDB docs). Item
 * writes use the same table key, which DynamoDB decrypts on the caller's behalf (kms:Decrypt);
 * generating and re-wrapping the table key are DynamoDB's own calls, so writers get nothing more.
 */
export const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
/** What item writers get on the key besides the read actions (see `itemAccessStatements`). */
export const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'];

export interface BrokerTableProps {
  readonly encryptionKey: IKey;
}

/**
 * A table keyed by TABLE_SCHEMA (`pk`, `sk`, TTL), as the broker keeps its data: on demand, encrypted
 * with the broker's customer managed key, point-in-time recovery, deletion protection, retained on
 * stack deletion. The registry and the finding ledger (ledger-table.ts) are both this; each grants
 * its own exact actions.
 */
export abstract class BrokerTable extends Construct {
  readonly table: Table;
  protected readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: BrokerTableProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

export class RegistryTable extends BrokerTable {
  constructor(scope: Construct, id: string, props: BrokerTableProps) {
    super(scope, id, props);
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_SCHEMA.gsi1.name,
      partitionKey: { name: TABLE_SCHEMA.gsi1.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.gsi1.sortKey, type: AttributeType.STRING },
    });
  }

  /**
   * Read-only access on the table and its one index, by exact ARN. `Table.grantReadData` would add
   * `table/index/*`, Scan and stream reads, none of which the broker needs.
   */
  grantRead(grantee: IGrantable): void {
    for (const statement of this.itemAccessStatements(READ_ACTIONS, [])) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }

  /**
   * `grantRead` plus exactly the listed item writes, on the table only (an index cannot be written).
   * `Table.grantWriteData` would add DeleteItem and BatchWriteItem.
   */
  grantReadWrite(grantee: IGrantable, writes: readonly [RegistryItemWrite, ...RegistryItemWrite[]]): void {
    for (const statement of this.itemAccessStatements(READ_ACTIONS, writes)) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }

  /**
   * The statements behind `grantRead`/`grantReadWrite`, for exactly the given item reads and writes,
   * for a policy that is not one principal's own (the operators' managed policy):
   * - `<sidPrefix>Read`: the reads on the table and its gsi1 index, by exact ARN;
   * - `<sidPrefix>KeyRead`: kms:Decrypt and kms:DescribeKey on the table's key;
   * - with writes, `<sidPrefix>ItemWrite`: the writes on the table only (an index cannot be written);
   * - with writes, `<sidPrefix>KeyWrite`: kms:Encrypt and kms:GenerateDataKey on the key.
   *   `Table.grantWriteData` grants these (as wildcards) to writers of a table with a customer managed
   *   key, AWS documents no narrower set for DynamoDB's server-side encryption, and a writer refused
   *   by KMS would fail only once deployed.
   */
  itemAccessStatements(
    reads: readonly [RegistryItemRead, ...RegistryItemRead[]],
    writes: readonly RegistryItemWrite[],
    sidPrefix = 'RegistryTable',
  ): PolicyStatement[] {
    const tableArn = this.table.tableArn;
    const keyArn = this.encryptionKey.keyArn;
    const statements = [
      new PolicyStatement({
        sid: `${sidPrefix}Read`,
        effect: Effect.ALLOW,
        actions: [...new Set(reads)],
        resources: [tableArn, this.indexArn],
      }),
      new PolicyStatement({ sid: `${sidPrefix}KeyRead`, effect: Effect.ALLOW, actions: KEY_READ_ACTIONS, resources: [keyArn] }),
    ];
    if (writes.length === 0) return statements;
    return [
      ...statements,
      new PolicyStatement({
        sid: `${sidPrefix}ItemWrite`,
        effect: Effect.ALLOW,
        actions: [...new Set(writes)],
        resources: [tableArn],
      }),
      new PolicyStatement({ sid: `${sidPrefix}KeyWrite`, effect: Effect.ALLOW, actions: KEY_WRITE_ACTIONS, resources: [keyArn] }),
    ];
  }

  /** The ARN of the gsi1 index (the only index). */
  get indexArn(): string {
    return `${this.table.tableArn}/index/${TABLE_SCHEMA.gsi1.name}`;
  }
}
