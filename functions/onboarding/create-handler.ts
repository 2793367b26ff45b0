import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod/mini';
import { queueUrl, roleSessionNamePrefix, tableName } from '#shared/config.js';
import { ForbiddenError, NotFoundError } from '#shared/errors.js';
import { Onboarding, type Caller } from '#shared/onboarding/registrations.js';
import { verificationSecurityHub, verifyRole } from '#shared/onboarding/verify-role.js';
import { DlqAuditLog } from '#shared/redrive/audit-log.js';
import { redriveRecovered } from '#shared/redrive/self-heal.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { clientConfig, type AwsEnvironment } from '../aws-environment.js';
import { errorReplies, jsonReply } from '../http/error-replies.js';
import { logger, metrics } from '../observability.js';
import { tracer } from '../tracer.js';
import { parseCreateBody, parseProductPath, parseRoleBody } from './requests.js';
import { ONBOARDING_ROUTES } from './routes.js';

const roleArn = (what: string) =>
  z.string({ error: `required: the ${what} role ARN` }).check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, `must be the ${what} role ARN`));
/** The onboarding function's environment (set by the CDK stack). */
export const ONBOARDING_ENVIRONMENT = z.object({
  TABLE_NAME: tableName,
  // Self-healing: a passed verification sends the registration's waiting dead letters back out.
  DEAD_LETTER_QUEUE_URL: queueUrl('dead-letter queue'),
  DELIVERY_QUEUE_URL: queueUrl('delivery queue'),
  DELIVERY_PRINCIPAL_ARN: roleArn('deliver function'),
  VERIFIER_PRINCIPAL_ARN: roleArn('onboarding function (verifier)'),
  CUSTOMER_ROLE_NAME_PREFIX: z.string({ error: 'required: the prefix customer role names must start with' }).check(z.regex(/^[\w+=,.@-]{1,48}$/)),
  ROLE_SESSION_NAME_PREFIX: roleSessionNamePrefix,
  CUSTOMER_ROLE_TEMPLATE_URL: z.optional(z.string().check(z.regex(/^https:\/\/\S+$/, 'must be an https URL'))),
});
export type OnboardingConfig = z.infer<typeof ONBOARDING_ENVIRONMENT>;


/**
 * The caller API Gateway's AWS_IAM authorization proved. Without it the route was deployed without
 * IAM authorization: refuse rather than guess whose registrations these are.
 */
function callerOf(event: APIGatewayProxyEvent): Caller {
  const { accountId, userArn } = event.requestContext.identity ?? {};
  if (!accountId || !userArn) throw new ForbiddenError('Forbidden', 'Sign the request with AWS Signature Version 4 (service execute-api).');
  return { accountId, arn: userArn };
}

type Route = (event: APIGatewayProxyEvent, caller: Caller) => Promise<APIGatewayProxyResult>;

/** The customer onboarding API (docs/openapi.yaml): every route signed with SigV4, every answer about the caller's own account. */
export function createOnboardingHandler(config: OnboardingConfig, aws: AwsEnvironment = {}) {
  const principals = { delivery: config.DELIVERY_PRINCIPAL_ARN, verifier: config.VERIFIER_PRINCIPAL_ARN };
  // The function's own credentials (its execution role, or the local stack's key for it) are the verifier principal.
  const sts = tracer.captureAWSv3Client(new STSClient(clientConfig(aws, 'sts')));
  const dynamo = tracer.captureAWSv3Client(new DynamoDBClient(clientConfig(aws, 'dynamodb')));
  const queues = { sqs: tracer.captureAWSv3Client(new SQSClient(clientConfig(aws, 'sqs'))), deadLetterQueueUrl: config.DEAD_LETTER_QUEUE_URL, deliveryQueueUrl: config.DELIVERY_QUEUE_URL };
  const audit = new DlqAuditLog(dynamo, config.TABLE_NAME);
  const onboarding = new Onboarding({
    registry: new DynamoRegistry(dynamo, config.TABLE_NAME),
    principals,
    customerRoleNamePrefix: config.CUSTOMER_ROLE_NAME_PREFIX,
    ...(config.CUSTOMER_ROLE_TEMPLATE_URL ? { templateUrl: config.CUSTOMER_ROLE_TEMPLATE_URL } : {}),
    verify: (role) => verifyRole(role, {
      sts, principals, sessionName: `${config.ROLE_SESSION_NAME_PREFIX}-verify`,
      securityHub: verificationSecurityHub(aws.endpoints?.securityhub),
    }),
    redriveRecovered: (scope) => redriveRecovered({ queues, audit }, scope),
  });
  const { products, registrations, registration, registrationRole, registrationVerify } = ONBOARDING_ROUTES;
  const routes: Record<string, Route> = {
    // The partner's internal id stays inside: customers know a product by its key, name and ARNs.
    [`GET ${products.path}`]: async () => jsonReply(200, { products: (await onboarding.products()).map(({ partnerId: _id, ...offer }) => offer) }),
    [`GET ${registrations.path}`]: async (_event, caller) => jsonReply(200, { registrations: await onboarding.list(caller) }),
    [`POST ${registrations.path}`]: async (event, caller) => jsonReply(201, await onboarding.create(caller, parseCreateBody(event.body))),
    [`GET ${registration.path}`]: async (event, caller) => jsonReply(200, await onboarding.get(caller, parseProductPath(event.pathParameters))),
    [`DELETE ${registration.path}`]: async (event, caller) => jsonReply(200, await onboarding.offboard(caller, parseProductPath(event.pathParameters))),
    [`PUT ${registrationRole.path}`]: async (event, caller) =>
      jsonReply(200, await onboarding.setRole(caller, parseProductPath(event.pathParameters), parseRoleBody(event.body).roleArn)),
    [`POST ${registrationVerify.path}`]: async (event, caller) => jsonReply(200, await onboarding.verify(caller, parseProductPath(event.pathParameters))),
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .use(errorReplies())
    .handler(async (event) => {
      const caller = callerOf(event);
      const route = routes[`${event.httpMethod} ${event.resource}`];
      if (!route) throw new NotFoundError('NoSuchRoute', `No route ${event.httpMethod} ${event.resource}; see docs/openapi.yaml.`);
      logger.info('onboarding request', { route: `${event.httpMethod} ${event.resource}`, accountId: caller.accountId });
      return route(event, caller);
    });
}
