import { SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { interceptLocalhostDns, startFauxqs } from 'fauxqs';

export interface LocalQueues {
  endpoint: string;
  /** The same server by IP, for clients outside this process (awscli, the operator CLI): no DNS patch needed. */
  ipEndpoint: string;
  deliveryQueueUrl: string;
  deadLetterQueueUrl: string;
  deliveryQueueArn: string;
  deadLetterQueueArn: string;
  stop(): Promise<void>;
}

export interface LocalQueueOptions {
  port: number;
  region: string;
  dataDir?: string;
  /** Short locally so retried records come back in seconds, not minutes. */
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

/** FIFO queue names end in ".fifo" (botocore sqs/2012-11-05/service-2.json, CreateQueueRequest.QueueName). */
export const LOCAL_QUEUE_NAMES = { delivery: 'broker-delivery.fifo', deadLetters: 'broker-dead-letters.fifo' } as const;

/**
 * Set once, at creation (SQS refuses to change FifoQueue later), as in the CDK stack
 * (infra/cdk/constructs/queues.ts): FIFO with high throughput (deduplication and throughput per message group).
 */
const FIFO = { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' };

/** fauxqs with the FIFO delivery queue and its FIFO DLQ, wired by a redrive policy as in the CDK stack. */
export async function startQueues(options: LocalQueueOptions): Promise<LocalQueues> {
  // The SQS client sends each call to its queue URL's host (sqs.<region>.localhost), which only
  // resolves with this in-process DNS patch; the handlers stay free of local code paths.
  const restoreDns = interceptLocalhostDns();
  const server = await startFauxqs({
    port: options.port,
    // fauxqs names queue URLs sqs.<region>.<host>; with an IP there, the SDK's URL check fails.
    host: 'localhost',
    logger: false,
    defaultRegion: options.region,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  // fauxqs's createQueue replaces a queue (and its messages) that it restored from dataDir: create a
  // queue only when it is not there yet, else keep it with its messages and set its attributes.
  const ensure = async (name: string, attributes: Record<string, string>): Promise<{ queueUrl: string; queueArn: string }> => {
    const existing = server.inspectQueue(name);
    if (!existing) return server.createQueue(name, { region: options.region, attributes: { ...FIFO, ...attributes } });
    // Lookups are by Region and name, whatever host and port a URL names, so the URL is this start's.
    const queueUrl = `http://sqs.${options.region}.localhost:${server.port}/000000000000/${name}`;
    const sqs = new SQSClient({ region: options.region, endpoint: `http://127.0.0.1:${server.port}`, useQueueUrlAsEndpoint: false,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: attributes }));
    sqs.destroy();
    return { queueUrl, queueArn: existing.arn };
  };
  const dlq = await ensure(LOCAL_QUEUE_NAMES.deadLetters, { MessageRetentionPeriod: String(14 * 24 * 3600) });
  const delivery = await ensure(LOCAL_QUEUE_NAMES.delivery, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: options.maxReceiveCount }),
  });
  return {
    // The endpoint names the same host as the queue URLs, so the SDK has no mismatch to warn about.
    endpoint: `http://sqs.${options.region}.localhost:${server.port}`,
    ipEndpoint: `http://127.0.0.1:${server.port}`,
    deliveryQueueUrl: delivery.queueUrl,
    deadLetterQueueUrl: dlq.queueUrl,
    deliveryQueueArn: delivery.queueArn,
    deadLetterQueueArn: dlq.queueArn,
    stop: async () => {
      await server.stop();
      restoreDns();
    },
  };
}
