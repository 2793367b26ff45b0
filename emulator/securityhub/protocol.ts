/**
 * Security Hub's wire format, restJson1: operations are addressed by method + path (checked against
 * the securityhub 2018-10-26 model), bodies are JSON, and errors carry their code in the
 * x-amzn-ErrorType header (which the SDK's deserializer reads first) and a {"Code","Message"} body.
 */
import { AwsServiceError } from '../errors.js';
import type { EmulatorRequest, HttpReply } from '../http-io.js';
import { json } from '../http-io.js';
import type { SecurityHubThrottlingCode } from '../types.js';

interface Route {
  method: string;
  /** Matched against the raw (still encoded) path. */
  path: RegExp;
  operation: string;
}

const ROUTES: Route[] = [
  { method: 'POST', path: /^\/findings\/import$/, operation: 'BatchImportFindings' },
  { method: 'POST', path: /^\/findings$/, operation: 'GetFindings' },
  { method: 'PATCH', path: /^\/findings\/batchupdate$/, operation: 'BatchUpdateFindings' },
  { method: 'GET', path: /^\/accounts$/, operation: 'DescribeHub' },
  { method: 'POST', path: /^\/accounts$/, operation: 'EnableSecurityHub' },
  { method: 'DELETE', path: /^\/accounts$/, operation: 'DisableSecurityHub' },
  { method: 'GET', path: /^\/productSubscriptions$/, operation: 'ListEnabledProductsForImport' },
  { method: 'POST', path: /^\/productSubscriptions$/, operation: 'EnableImportFindingsForProduct' },
  { method: 'DELETE', path: /^\/productSubscriptions\/.+$/, operation: 'DisableImportFindingsForProduct' },
];

export function routeOperation(request: EmulatorRequest): string | AwsServiceError {
  const path = request.path.replace(/\/+$/, '') || '/';
  const route = ROUTES.find((r) => r.method === request.method && r.path.test(path));
  return route?.operation ?? new AwsServiceError('UnknownOperationException', 404, `No operation matches ${request.method} ${request.path}`);
}

/** The greedy label of DELETE /productSubscriptions/{ProductSubscriptionArn+}, decoded. */
export function subscriptionArnFromPath(request: EmulatorRequest): string {
  const raw = request.path.slice('/productSubscriptions/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidInput(`ProductSubscriptionArn is not correctly percent-encoded: ${raw}`);
  }
}

/**
 * Security Hub's throttling answer, always HTTP 429: LimitExceededException and ThrottlingException per
 * botocore's securityhub model (error httpStatusCode 429); TooManyRequestsException ("Too Many Requests"),
 * the default, as the live service answered in https://github.com/prowler-cloud/prowler/issues/5004.
 */
export function throttled(errorCode: SecurityHubThrottlingCode = 'TooManyRequestsException'): AwsServiceError {
  return new AwsServiceError(errorCode, 429, errorCode === 'TooManyRequestsException' ? 'Too Many Requests' : 'Rate exceeded');
}

export function invalidInput(message: string): AwsServiceError {
  return new AwsServiceError('InvalidInputException', 400, message);
}

export function jsonBody(request: EmulatorRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new AwsServiceError('SerializationException', 400, 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 400, 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function ok(value: unknown, requestId: string): HttpReply {
  return json(200, value, { 'x-amzn-requestid': requestId });
}

export function errorReply(error: AwsServiceError, requestId: string): HttpReply {
  return json(error.status, { Code: error.code, Message: error.message }, { 'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId });
}
