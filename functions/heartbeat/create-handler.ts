import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { roleSessionNamePrefix, SUSPENSION_ENVIRONMENT, tableName } from '#shared/config.js';
import { withoutSdkLogging } from '#shared/aws/quiet-clients.js';
import { CredentialResolver } from '#shared/credentials/credential-resolver.js';
import { DynamoQuotaStates } from '#shared/delivery/quota-states.js';
import { SecurityHubClients } from '#shared/delivery/securityhub-clients.js';
import { deliveryPrincipalCredentials, heartbeatSessionName } from '#shared/heartbeat/delivery-principal.js';
import { sendHeartbeats, type HeartbeatReport } from '#shared/heartbeat/send-heartbeats.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { clientConfig, securityHubBase, type AwsEnvironment } from '../aws-environment.js';
import { logger, metrics } from '../observability.js';
import { tracer } from '../tracer.js';

/** The heartbeat function's environment (set by the CDK stack). */
export const HEARTBEAT_ENVIRONMENT = z.object({
  TABLE_NAME: tableName,
  // The delivery principal (the deliver function's role): customers' roles trust it, so heartbeats act as it.
  DELIVERY_PRINCIPAL_ARN: z.string({ error: 'required: the deliver function (delivery principal) role ARN' })
    .check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, 'must be the deliver function (delivery principal) role ARN')),
  ROLE_SESSION_NAME_PREFIX: roleSessionNamePrefix,
  // Deliver's suspension policy, read from the same variables: a refused heartbeat counts as a refused delivery.
  ...SUSPENSION_ENVIRONMENT,
});
export type HeartbeatConfig = z.infer<typeof HEARTBEAT_ENVIRONMENT>;

/**
 * Time a round keeps after the last destination it starts, to finish the imports under way, record
 * their outcomes and save the quota buckets (half of a shorter timeout). Assumption (the broker's
 * choice), as deliver's DELIVERY_SETTLE_MARGIN_MS.
 */
const SETTLE_MARGIN_MS = 15_000;

export interface HeartbeatHandlerOptions {
  /** The heartbeats' timestamps; the local stack gives the emulator's clock (as deliver's ledgerClock). */
  clock?: () => number;
}

/**
 * One container's heartbeat handler. Lambda builds it once per container (the `handler` export of handler.ts) for
 * the EventBridge schedule (infra/cdk/constructs/functions.ts); the local stack builds its own with the
 * emulator's clock and runs it on a timer (infra/local/stack.ts).
 */
export function createHeartbeatHandler(config: HeartbeatConfig, aws: AwsEnvironment = {}, options: HeartbeatHandlerOptions = {}) {
  const dynamo = tracer.captureAWSv3Client(withoutSdkLogging(new DynamoDBClient(clientConfig(aws, 'dynamodb'))));
  // Its own credentials only ever assume the delivery principal; customer roles are assumed as that
  // principal (shared/heartbeat/delivery-principal.ts), whose trust the customers already gave.
  const ownSts = tracer.captureAWSv3Client(new STSClient(clientConfig(aws, 'sts')));
  const deliveryPrincipal = deliveryPrincipalCredentials(ownSts, {
    roleArn: config.DELIVERY_PRINCIPAL_ARN,
    sessionName: heartbeatSessionName(config.ROLE_SESSION_NAME_PREFIX),
  });
  const deps = {
    registry: new DynamoRegistry(dynamo, config.TABLE_NAME),
    credentials: new CredentialResolver(tracer.captureAWSv3Client(new STSClient(clientConfig(aws, 'sts', deliveryPrincipal))), {
      sessionNamePrefix: config.ROLE_SESSION_NAME_PREFIX,
      onAssumeRole: () => metrics.addMetric('AssumeRoleCalls', MetricUnit.Count, 1),
    }),
    securityHub: new SecurityHubClients((client) => tracer.captureAWSv3Client(withoutSdkLogging(client)), securityHubBase(aws)),
    quotaStates: new DynamoQuotaStates(DynamoDBDocumentClient.from(dynamo), config.TABLE_NAME),
    suspension: { failures: config.SUSPEND_AFTER_FAILURES, windowMs: config.SUSPEND_AFTER_SECONDS * 1000 },
    ...(options.clock ? { clock: options.clock } : {}),
  };

  return middy<ScheduledEvent, HeartbeatReport>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (_event, context) => {
      const remaining = context.getRemainingTimeInMillis();
      const deadline = Date.now() + remaining - Math.min(SETTLE_MARGIN_MS, remaining / 2);
      // The broker must be able to act as the delivery principal before any customer is tried: were
      // it not, every customer's AssumeRole would fail, and would be recorded on (and in the end
      // suspend) registrations that are fine. This is the broker's own fault: the invocation fails.
      try {
        await deliveryPrincipal();
      } catch (error) {
        throw new Error(`The heartbeat cannot act as the delivery principal ${config.DELIVERY_PRINCIPAL_ARN} (${(error as Error).name}); no heartbeat was sent.`);
      }
      const report = await sendHeartbeats(deps, { deadline });
      // Where and why only: never the finding or credentials.
      for (const failure of report.failed) logger.warn('heartbeat not imported', { ...failure });
      if (report.skipped > 0) logger.warn('heartbeats not started: the round reached its deadline', { skipped: report.skipped });
      if (report.unrecorded > 0) logger.warn('access outcomes not recorded on their registrations', { unrecorded: report.unrecorded });
      logger.info('heartbeat round', { destinations: report.destinations, sent: report.sent, failed: report.failed.length, skipped: report.skipped });
      metrics.addMetric('HeartbeatsSent', MetricUnit.Count, report.sent);
      // A heartbeat the round had no time for was not sent either.
      metrics.addMetric('HeartbeatsFailed', MetricUnit.Count, report.failed.length + report.skipped);
      return report;
    });
}

