import { Aws } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KEY_SEND_ACTIONS, type DeliveryQueues } from './queues.js';
import type { RegistryTable } from './storage.js';

/**
 * The partition key of the operator CLI's audit log of DLQ purges and redrives in the registry table.
 * Its items are only ever added (PutItem) and read (Query); the policy denies changing or deleting them.
 */
export const DLQ_AUDIT_PARTITION = 'AUDIT#DLQ';

/**
 * SQS actions on the dead-letter queue for reading and removing its messages. Batch variants
 * (ChangeMessageVisibilityBatch, DeleteMessageBatch) are authorised by the single-message actions
 * (SQS developer guide, "Amazon SQS batch actions"); they have no IAM action of their own.
 */
export const DLQ_MESSAGE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
] as const;
/**
 * Message move tasks, all authorised on the source queue (the DLQ). Starting and cancelling one also
 * need ReceiveMessage, DeleteMessage and GetQueueAttributes on the DLQ, listing needs
 * GetQueueAttributes, and the destination needs SendMessage (SQS developer guide, "Troubleshoot
 * Amazon SQS dead-letter queue and DLQ redrive issues"): those come from the other queue statements.
 */
export const DLQ_MOVE_TASK_ACTIONS = ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask'] as const;
/** SQS actions on the delivery queue: the redrive destination. SendMessageBatch is authorised by SendMessage. */
export const DELIVERY_QUEUE_ACTIONS = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] as const;

export interface OperatorPolicyProps {
  readonly queues: DeliveryQueues;
  readonly registry: RegistryTable;
}

/**
 * The customer managed policy operators attach to their own role or group to run the operator CLI
 * (`npm run broker-admin -- ...`) against this stack, and nothing else:
 * - the DLQ commands: list/summary, redrive, redrive-all (SQS message move task), purge, and their
 *   audit log in the registry table (partition `AUDIT#DLQ`, append-only);
 * - the partner, token and registration commands: item reads and writes on the registry table;
 * - finding the queues and the table from this stack's outputs.
 * There is no sqs:PurgeQueue (purge receives and deletes, so every purged message is seen and
 * audited), no queue or table administration, no Scan, no DeleteItem. sts:GetCallerIdentity, which
 * the CLI calls to name the operator in the audit log, needs no permission.
 */
export class OperatorPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const { queues, registry } = props;
    const deadLetterQueueArn = queues.deadLetterQueue.queueArn;
    const deliveryQueueArn = queues.deliveryQueue.queueArn;

    this.policy = new ManagedPolicy(this, 'Policy', {
      description: 'Security Hub findings broker operators: inspect, redrive and purge the DLQ; manage partners, tokens and registrations',
    });
    this.policy.addStatements(
      // dlq list/summary: ReceiveMessage with a visibility timeout, ChangeMessageVisibility(Batch) to
      // release, GetQueueAttributes; dlq redrive and purge: DeleteMessage(Batch) once handled.
      // GetQueueUrl: resolving the queue by name. redrive-all needs Receive, Delete and GetQueueAttributes too.
      new PolicyStatement({
        sid: 'DeadLetterQueueMessages',
        effect: Effect.ALLOW,
        actions: [...DLQ_MESSAGE_ACTIONS],
        resources: [deadLetterQueueArn],
      }),
      // dlq redrive-all: StartMessageMoveTask (SourceArn = the DLQ, DestinationArn = the delivery
      // queue), its progress (ListMessageMoveTasks) and CancelMessageMoveTask, all on the source queue.
      new PolicyStatement({
        sid: 'DeadLetterQueueMoveTasks',
        effect: Effect.ALLOW,
        actions: [...DLQ_MOVE_TASK_ACTIONS],
        resources: [deadLetterQueueArn],
      }),
      // dlq redrive: SendMessage(Batch) of the received messages to the delivery queue; redrive-all:
      // the move task's destination needs SendMessage too. No receive or delete on the delivery queue.
      new PolicyStatement({
        sid: 'DeliveryQueueRedrive',
        effect: Effect.ALLOW,
        actions: [...DELIVERY_QUEUE_ACTIONS],
        resources: [deliveryQueueArn],
      }),
      // Both queues are SSE-KMS with the data key: sending (redrive, redrive-all's destination) needs
      // kms:GenerateDataKey and kms:Decrypt, receiving (list, summary, redrive, purge, redrive-all's
      // source) needs kms:Decrypt (SQS developer guide, key management).
      new PolicyStatement({
        sid: 'QueueKey',
        effect: Effect.ALLOW,
        actions: [...KEY_SEND_ACTIONS],
        resources: [queues.encryptionKey.keyArn],
      }),
      // Partner, token and registration commands: GetItem and Query (gsi1 for the partner list) and
      // PutItem/UpdateItem on the registry; the DLQ audit log: PutItem (purge, redrive) and Query
      // (audit). No BatchGetItem, Scan, DeleteItem or BatchWriteItem. Sids: OperatorRegistryRead (table
      // and gsi1), OperatorRegistryItemWrite (table), OperatorRegistryKeyRead and OperatorRegistryKeyWrite
      // (the table's customer managed key, as for the functions that read and write the registry).
      ...registry.itemAccessStatements(
        ['dynamodb:GetItem', 'dynamodb:Query'],
        ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        'OperatorRegistry',
      ),
      // The audit log is append-only: whatever else an operator is allowed, no audit item may be
      // changed or deleted. dynamodb:LeadingKeys is multivalued (the partition keys a request
      // touches), so ForAnyValue denies a request if any of them is the audit partition.
      new PolicyStatement({
        sid: 'DeadLetterAuditLogAppendOnly',
        effect: Effect.DENY,
        actions: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        resources: [registry.table.tableArn],
        conditions: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': [DLQ_AUDIT_PARTITION] } },
      }),
      // Every command: the queue URLs and the table name come from this stack's outputs.
      new PolicyStatement({
        sid: 'ReadBrokerStackOutputs',
        effect: Effect.ALLOW,
        actions: ['cloudformation:DescribeStacks'],
        resources: [Aws.STACK_ID],
      }),
    );
  }
}
