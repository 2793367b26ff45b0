import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { TokenVerifier } from '#shared/auth/partner-tokens.js';
import { tableName } from '#shared/config.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { clientConfig, type AwsEnvironment } from '../aws-environment.js';
import { logger } from '../observability.js';
import { UNAUTHORIZED, bearerToken, invalidTokenDenial, stageResource } from './refusals.js';

/** The authorizer's environment (set by the CDK stack). */
export const AUTHORIZER_ENVIRONMENT = z.object({ TABLE_NAME: tableName });
export type AuthorizerConfig = z.infer<typeof AUTHORIZER_ENVIRONMENT>;

// No Powertools tracer here, on purpose: the X-Ray SDK it loads would add 20-40 ms to this function's
// cold init (`npm run bench`, cold-start; see functions/tracer.ts) on the path of every partner request
// whose token API Gateway has not cached. Lambda's active tracing still records the function's own
// segment (its initialization and invocation) in the request's trace.

/**
 * Partner token check for every partner route. The policy allows the whole API stage, because
 * API Gateway caches it per token and reuses it for the partner's other methods. A missing or
 * malformed header fails with "Unauthorized" (401); a well-formed token that is not live gets a Deny
 * that says so (403, functions/authorizer/refusals.ts).
 */
export function createAuthorizerHandler(config: AuthorizerConfig, aws: AwsEnvironment = {}) {
  const tokens = new TokenVerifier(new DynamoRegistry(new DynamoDBClient(clientConfig(aws, 'dynamodb')), config.TABLE_NAME));
  return middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const header = event.headers?.Authorization ?? event.headers?.authorization;
      const token = bearerToken(header);
      if (!token) {
        logger.info('token refused', { hasHeader: header !== undefined, reason: 'missing or malformed' });
        throw new Error(UNAUTHORIZED);
      }
      const record = await tokens.verify(token);
      if (!record) {
        logger.info('token refused', { hasHeader: true, reason: 'unknown or revoked' });
        return invalidTokenDenial(event.methodArn);
      }
      return {
        principalId: record.partnerId,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageResource(event.methodArn) }],
        },
        context: { partnerId: record.partnerId, tokenId: record.tokenId },
        ...(record.usagePlanKeyId ? { usageIdentifierKey: record.usagePlanKeyId } : {}),
      };
    });
}
