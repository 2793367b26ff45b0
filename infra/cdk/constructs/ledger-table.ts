import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BrokerTable, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS } from './storage.js';

/** What a function may do on the ledger, action by action: item reads and writes and Query; never Scan or DeleteItem. */
export type LedgerAction = 'dynamodb:BatchGetItem' | 'dynamodb:BatchWriteItem' | 'dynamodb:Query' | 'dynamodb:GetItem' | 'dynamodb:UpdateItem';

/**
 * The finding ledger (shared/ledger/dynamo-ledger.ts): its own table, keyed like the registry's but
 * without an index, so ingest, which faces the internet, writes findings' records without any right on
 * registrations or tokens, and the ledger's volume (an item per finding and per submitted finding,
 * expired by TTL) neither shares the registry's backups nor its throttling.
 */
export class LedgerTable extends BrokerTable {
  /** Exactly these actions on the table, and the key actions they need (reads decrypt; writes also encrypt, as for the registry). */
  grant(grantee: IGrantable, actions: readonly [LedgerAction, ...LedgerAction[]]): void {
    const writes = actions.includes('dynamodb:BatchWriteItem') || actions.includes('dynamodb:UpdateItem');
    const statements = [
      new PolicyStatement({ sid: 'LedgerTable', effect: Effect.ALLOW, actions: [...new Set(actions)], resources: [this.table.tableArn] }),
      new PolicyStatement({ sid: 'LedgerTableKey', effect: Effect.ALLOW, actions: [...KEY_READ_ACTIONS, ...(writes ? KEY_WRITE_ACTIONS : [])],
        resources: [this.encryptionKey.keyArn] }),
    ];
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}
