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
/** Reading items encrypted with a customer managed key needs these on the key (DynamoDB docs). */
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
}
