import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** The registry's single-table design: names shared with shared/registry (keys, index, TTL). */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ttlAttribute: 'expiresAt',
} as const;

/** What "table read" means for the broker's functions: point reads and queries, never Scan. */
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
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
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];

export interface RegistryTableProps {
  readonly encryptionKey: IKey;
}

export class RegistryTable extends Construct {
  readonly table: Table;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: RegistryTableProps) {
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
    const tableArn = this.table.tableArn;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'RegistryTableRead',
        effect: Effect.ALLOW,
        actions: READ_ACTIONS,
        resources: [tableArn, `${tableArn}/index/${TABLE_SCHEMA.gsi1.name}`],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'RegistryTableKeyRead',
        effect: Effect.ALLOW,
        actions: KEY_READ_ACTIONS,
        resources: [this.encryptionKey.keyArn],
      }),
    );
  }

  /**
   * `grantRead` plus exactly the listed item writes, on the table only (an index cannot be written).
   * `Table.grantWriteData` would add DeleteItem and BatchWriteItem. For the key, writers get
   * kms:Encrypt and kms:GenerateDataKey besides the read actions: `Table.grantWriteData` grants these
   * (as wildcards) to writers of a table with a customer managed key, AWS documents no narrower set
   * for DynamoDB's server-side encryption, and a writer refused by KMS would fail only once deployed.
   */
  grantReadWrite(grantee: IGrantable, writes: readonly [RegistryItemWrite, ...RegistryItemWrite[]]): void {
    this.grantRead(grantee);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'RegistryTableItemWrite',
        effect: Effect.ALLOW,
        actions: [...new Set(writes)],
        resources: [this.table.tableArn],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'RegistryTableKeyWrite',
        effect: Effect.ALLOW,
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [this.encryptionKey.keyArn],
      }),
    );
  }
}
