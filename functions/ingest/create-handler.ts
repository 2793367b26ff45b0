import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod/mini';
import { queueUrl, tableName } from '#shared/config.js';
import { ServiceUnavailableError, UnauthorizedError } from '#shared/errors.js';
import { submitFindings, type SubmissionReply } from '#shared/ingest/submit-findings.js';
import { eventBody } from '../http/event-body.js';
import { checkMediaType } from '../http/media-type.js';
import { submissionStatus } from './submission-status.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { DynamoLedger } from '#shared/ledger/dynamo-ledger.js';
import { NO_LEDGER } from '#shared/ledger/ledger-model.js';
import { listSubmissions, readSubmission } from './submissions.js';
import { PARTNER_ROUTES } from './routes.js';
import { completeScanRequest, scanParameter } from './scans.js';
import { errorReplies, jsonReply } from '../http/error-replies.js';
import { SQS_DELIVERY_OPTIONS, withoutSdkLogging } from '#shared/aws/quiet-clients.js';
import { clientConfig, type AwsEnvironment } from '../aws-environment.js';
import { logger, metrics } from '../observability.js';
import { tracer } from '../tracer.js';

/** The ingest function's environment (set by the CDK stack). */
export const INGEST_ENVIRONMENT = z.object({ TABLE_NAME: tableName, LEDGER_TABLE_NAME: tableName, DELIVERY_QUEUE_URL: queueUrl('delivery queue') });
export type IngestConfig = z.infer<typeof INGEST_ENVIRONMENT>;

/**
 * Every 4xx and 5xx reply of the broker carries `{"error": {"code", "message"}}`, so a client can handle
 * errors in one way; a submission in which nothing was accepted says why next to its per-finding results.
 */
function submissionError(reply: SubmissionReply): { code: string; message: string } {
  return reply.failed > 0
    ? { code: 'NothingQueued', message: 'No finding could be queued for delivery; nothing was lost on your side. Send them again shortly.' }
    : { code: 'NoValidFindings', message: 'Every finding was rejected; each result lists its reasons (errors).' };
}

/**
 * The partner API (functions/ingest/routes.ts): `POST /v1/findings` queues findings,
 * `POST /v1/findings:validate` only judges them, `GET /v1/submissions[/{submissionId}]` says what
 * became of them.
 */
export function createIngestHandler(config: IngestConfig, aws: AwsEnvironment = {}) {
  const dynamo = tracer.captureAWSv3Client(withoutSdkLogging(new DynamoDBClient(clientConfig(aws, 'dynamodb'))));
  const registry = new DynamoRegistry(dynamo, config.TABLE_NAME);
  // NO_LEDGER only in the benchmark's baseline; the submissions routes then have nothing to read.
  const ledger = config.LEDGER_TABLE_NAME === NO_LEDGER ? undefined : new DynamoLedger(dynamo, config.LEDGER_TABLE_NAME);
  const sqs = tracer.captureAWSv3Client(withoutSdkLogging(new SQSClient({ ...SQS_DELIVERY_OPTIONS, ...clientConfig(aws, 'sqs') })));
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(errorReplies())
    .handler(async (event) => {
      const partnerId = event.requestContext.authorizer?.partnerId as string | undefined;
      if (!partnerId) throw new UnauthorizedError();
      const resource = event.resource ?? event.path;
      const readsLedger = resource === PARTNER_ROUTES.submission.path || resource === PARTNER_ROUTES.submissions.path || resource === PARTNER_ROUTES.scanComplete.path;
      if (readsLedger && !ledger) throw new ServiceUnavailableError('LedgerUnavailable', 'This broker runs without its finding ledger (a benchmark baseline).');
      if (event.httpMethod === 'GET' && resource === PARTNER_ROUTES.submission.path) {
        return jsonReply(200, await readSubmission(ledger!, partnerId, event.pathParameters?.submissionId));
      }
      if (event.httpMethod === 'GET' && resource === PARTNER_ROUTES.submissions.path) {
        return jsonReply(200, await listSubmissions(ledger!, partnerId, event.queryStringParameters ?? {}));
      }
      if (event.httpMethod === 'POST' && resource === PARTNER_ROUTES.scanComplete.path) {
        const completion = await completeScanRequest(partnerId, event.pathParameters?.scanId, eventBody(event), { registry, ledger: ledger!, sqs, deliveryQueueUrl: config.DELIVERY_QUEUE_URL });
        logger.info('scan completed', { partnerId, scanId: completion.scanId, archived: completion.archived });
        return jsonReply(200, completion);
      }
      checkMediaType(event.headers);
      const dryRun = resource.endsWith(':validate');
      const scanId = dryRun ? undefined : scanParameter(event.queryStringParameters);
      const reply = await submitFindings(
        { partnerId, body: eventBody(event), dryRun, ...(scanId ? { scanId } : {}) },
        { registry, ...(ledger ? { ledger } : {}), sqs, deliveryQueueUrl: config.DELIVERY_QUEUE_URL,
          onLedgerError: (error) => logger.error('ledger write failed after queueing (the findings are queued)', { error: (error as Error).message }) },
      );
      logger.info('submission judged', {
        partnerId, submissionId: reply.submissionId, dryRun, accepted: reply.accepted, rejected: reply.rejected, failed: reply.failed, ignored: reply.ignored,
      });
      if (!dryRun && reply.rejected > 0) {
        // Refusals at the default level, by rule (ids and counts, never contents).
        const rules: Record<string, number> = {};
        for (const result of reply.results.filter(({ status }) => status === 'rejected')) {
          const rule = result.errors?.[0]?.rule ?? 'unknown';
          rules[rule] = (rules[rule] ?? 0) + 1;
        }
        logger.warn('findings rejected', { partnerId, submissionId: reply.submissionId, rejected: reply.rejected, accepted: reply.accepted, rules });
      }
      if (!dryRun) {
        metrics.addMetric('FindingsAccepted', MetricUnit.Count, reply.accepted);
        metrics.addMetric('FindingsRejected', MetricUnit.Count, reply.rejected);
        metrics.addMetric('FindingsIgnoredStale', MetricUnit.Count, reply.ignored);
      }
      const status = submissionStatus(reply);
      return jsonReply(status, status >= 400 ? { error: submissionError(reply), ...reply } : reply, reply.failed > 0 && reply.accepted === 0 ? { 'retry-after': '5' } : {});
    });
}
