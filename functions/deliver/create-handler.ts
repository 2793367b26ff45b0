import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { queueUrl, roleSessionNamePrefix, SUSPENSION_ENVIRONMENT, tableName } from '#shared/config.js';
import { DELIVERY_PACING_BUDGET_MS, DELIVERY_SETTLE_MARGIN_MS } from '#shared/limits.js';
import { CredentialResolver } from '#shared/credentials/credential-resolver.js';
import { deliverRecords, type DeliveryReport } from '#shared/delivery/deliver-records.js';
import { SQS_DELIVERY_OPTIONS, withoutSdkLogging } from '#shared/aws/quiet-clients.js';
import { DynamoQuotaStates } from '#shared/delivery/quota-states.js';
import { SecurityHubClients } from '#shared/delivery/securityhub-clients.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { DynamoLedger } from '#shared/ledger/dynamo-ledger.js';
import { NO_LEDGER } from '#shared/ledger/ledger-model.js';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig, securityHubBase, type AwsEnvironment } from '../aws-environment.js';
import { logger, metrics } from '../observability.js';
import { tracer } from '../tracer.js';

/** The deliver function's environment (set by the CDK stack). */
export const DELIVER_ENVIRONMENT = z.object({
  TABLE_NAME: tableName,
  LEDGER_TABLE_NAME: tableName,
  DELIVERY_QUEUE_URL: queueUrl('delivery queue'),
  DEAD_LETTER_QUEUE_URL: queueUrl('dead-letter queue'),
  MAX_RECEIVE_COUNT: z.coerce.number({ error: 'required: the delivery queue redrive policy maxReceiveCount' }).check(z.int(), z.minimum(1)),
  ROLE_SESSION_NAME_PREFIX: roleSessionNamePrefix,
  // When repeated access failures suspend a registration (shared/delivery/access-failures.ts).
  ...SUSPENSION_ENVIRONMENT,
});
export type DeliverConfig = z.infer<typeof DELIVER_ENVIRONMENT>;

/**
 * One container's deliver handler: its clients, credential cache and Powertools batch processor.
 * Lambda builds it once per container (the `handler` export of handler.ts); the local stack builds one per
 * simulated container, so several invocations run at once as the event source mapping scales.
 */
export function createDeliverHandler(config: DeliverConfig, aws: AwsEnvironment = {}, options: { ledgerClock?: () => number } = {}) {
  const dynamo = tracer.captureAWSv3Client(withoutSdkLogging(new DynamoDBClient(clientConfig(aws, 'dynamodb'))));
  const deps = {
    registry: new DynamoRegistry(dynamo, config.TABLE_NAME),
    ...(config.LEDGER_TABLE_NAME === NO_LEDGER ? {} : { ledger: new DynamoLedger(dynamo, config.LEDGER_TABLE_NAME) }),
    credentials: new CredentialResolver(tracer.captureAWSv3Client(new STSClient(clientConfig(aws, 'sts'))), {
      sessionNamePrefix: config.ROLE_SESSION_NAME_PREFIX,
      onAssumeRole: () => metrics.addMetric('AssumeRoleCalls', MetricUnit.Count, 1),
    }),
    securityHub: new SecurityHubClients((client) => tracer.captureAWSv3Client(withoutSdkLogging(client)), securityHubBase(aws)),
    quotaStates: new DynamoQuotaStates(DynamoDBDocumentClient.from(dynamo), config.TABLE_NAME),
    sqs: tracer.captureAWSv3Client(withoutSdkLogging(new SQSClient({ ...SQS_DELIVERY_OPTIONS, ...clientConfig(aws, 'sqs') }))),
    deliveryQueueUrl: config.DELIVERY_QUEUE_URL,
    deadLetterQueueUrl: config.DEAD_LETTER_QUEUE_URL,
    maxReceiveCount: config.MAX_RECEIVE_COUNT,
    suspension: { failures: config.SUSPEND_AFTER_FAILURES, windowMs: config.SUSPEND_AFTER_SECONDS * 1000 },
    ...(options.ledgerClock ? { ledgerClock: options.ledgerClock } : {}),
  };
  const processor = new BatchProcessor(EventType.SQS);

  /**
   * Delivers a whole SQS batch at once (so findings of several messages share import calls), then
   * lets Powertools Batch turn each record's outcome into batchItemFailures: every record handler
   * awaits the same delivery and fails only if its own record must be retried.
   */
  return middy<SQSEvent, SQSBatchResponse>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event, context) => {
      const remaining = context.getRemainingTimeInMillis();
      const deadline = Date.now() + Math.min(DELIVERY_PACING_BUDGET_MS, remaining - Math.min(DELIVERY_SETTLE_MARGIN_MS, remaining / 2));
      let delivery: Promise<DeliveryReport> | undefined;
      const deliverBatch = () =>
        (delivery ??= deliverRecords(
          event.Records.map((record) => ({
            messageId: record.messageId,
            body: record.body,
            receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
          })),
          deps,
          { deadline },
        ).then((report) => {
          logger.info('batch delivered', { records: event.Records.length, ...report, failedMessageIds: report.failedMessageIds.length });
          // What an operator must see at the default level: findings that went to the DLQ, by code (ids and counts only).
          if (report.deadLettered > 0) {
            logger.warn('findings dead-lettered', { count: report.deadLettered, codes: report.deadLetterCodes, records: event.Records.length });
          }
          metrics.addMetric('FindingsImported', MetricUnit.Count, report.imported);
          metrics.addMetric('FindingsDeadLettered', MetricUnit.Count, report.deadLettered);
          metrics.addMetric('FindingsDeferred', MetricUnit.Count, report.deferred);
          metrics.addMetric('FindingsIgnored', MetricUnit.Count, report.ignored);
          metrics.addMetric('FindingsUnchanged', MetricUnit.Count, report.unchanged);
          if (report.ledgerError) logger.error('the finding ledger could not be written: the batch is retried', { error: report.ledgerError });
          metrics.addMetric('ImportThrottled', MetricUnit.Count, report.throttled);
          return report;
        }));
      const recordHandler = async (record: SQSRecord): Promise<void> => {
        const report = await deliverBatch();
        if (report.failedMessageIds.includes(record.messageId)) {
          throw new Error(`message ${record.messageId} left for SQS to retry`);
        }
      };
      return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
    });
}

