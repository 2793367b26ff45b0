import { Duration } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Receives before SQS moves a delivery message to the DLQ. Passed to deliver as MAX_RECEIVE_COUNT:
 * on the last receive deliver dead-letters the findings itself, with the reason as message
 * attributes; the redrive policy is the safety net for crashes and timeouts.
 */
export const DELIVERY_MAX_RECEIVE_COUNT = 5;
/** SQS keeps a message at most 14 days; the DLQ keeps them that long for operators to redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(14);
/**
 * The delivery queue keeps messages 4 days (the SQS default), well under the DLQ's 14: a message
 * keeps its original enqueue time when it is dead-lettered, so the DLQ must outlive the source.
 */
export const DELIVERY_RETENTION = Duration.days(4);
/** Lambda's guidance for SQS event sources: visibility timeout at least 6x the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Every sender names a MessageDeduplicationId (shared/queue/sqs-sender.ts): content-based deduplication stays off. */
export const HIGH_THROUGHPUT_FIFO = {
  fifo: true,
  contentBasedDeduplication: false,
  deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
  fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
} as const;

/** Producers of an SSE-KMS queue need these on the key (SQS developer guide, key management). */
export const KEY_SEND_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

export interface DeliveryQueuesProps {
  readonly encryptionKey: IKey;
  /** The deliver function's timeout; the delivery queue's visibility timeout is 6x this. */
  readonly deliverTimeout: Duration;
}

export class DeliveryQueues extends Construct {
  readonly deliveryQueue: Queue;
  readonly deadLetterQueue: Queue;
  readonly maxReceiveCount = DELIVERY_MAX_RECEIVE_COUNT;
  /** The customer managed key both queues are encrypted with (SSE-KMS). */
  readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: DeliveryQueuesProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const encryption = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
    };
    // FIFO, with the quota key (account+Region of the caller) as message group: SQS hands a group's
    // messages to one consumer at a time, so one invocation paces each Security Hub quota (docs/performance.md).
    // High throughput: deduplication and the 300 TPS limit apply per message group, not per queue
    // (SQS developer guide, "High throughput for FIFO queues"). The DLQ of a FIFO queue must be FIFO.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      ...encryption,
      ...HIGH_THROUGHPUT_FIFO,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    this.deliveryQueue = new Queue(this, 'DeliveryQueue', {
      ...encryption,
      ...HIGH_THROUGHPUT_FIFO,
      retentionPeriod: DELIVERY_RETENTION,
      visibilityTimeout: Duration.seconds(props.deliverTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT },
    });
  }

  /**
   * Walking the DLQ to redrive a registration's waiting findings (self-healing after a passed
   * verification): receive, hide and release, delete what went back out. The batch calls are
   * authorised by the same actions. The key is needed to read what is received.
   */
  grantWalkDeadLetters(grantee: IGrantable, sid: string): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid, effect: Effect.ALLOW,
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ sid: `${sid}Key`, effect: Effect.ALLOW, actions: ['kms:Decrypt'], resources: [this.encryptionKey.keyArn] }),
    );
  }

  /** sqs:SendMessage (SendMessageBatch is authorised by the same action) on exactly one queue. */
  grantSend(grantee: IGrantable, queue: Queue, sid: string): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ sid, effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: `${sid}Key`,
        effect: Effect.ALLOW,
        actions: KEY_SEND_ACTIONS,
        resources: [this.encryptionKey.keyArn],
      }),
    );
  }
}
