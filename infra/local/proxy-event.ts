import { randomUUID } from 'node:crypto';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { Caller } from '#emulator/identity.js';

/**
 * The events API Gateway (REST, Lambda proxy integration) hands the handlers, defined once: the local
 * front (api-front.ts) builds every event with these, and the in-process fuzz tests call the real
 * handlers with the very same events, without an HTTP socket per case.
 */
export interface ProxyRequest {
  /** The API Gateway resource path, e.g. `/v1/registrations/{company}/{product}`. */
  resource: string;
  httpMethod: string;
  /** The request path as received (not decoded). */
  path: string;
  /** Header names as the client sent them; repeated headers already joined with ','. */
  headers: Record<string, string>;
  /** The query string's parameters (the last value of a repeated one wins, as URLSearchParams gives them). */
  query: URLSearchParams;
  pathParameters: Record<string, string>;
  /** The raw body; an empty one is `null` in the event. */
  body: Buffer | string;
  accountId: string;
  stage: string;
  /** The authorizer's context (partner routes); IAM routes carry none. */
  authorizer?: Record<string, unknown>;
  identity: Partial<APIGatewayEventIdentity>;
  requestId?: string;
  requestTimeEpoch?: number;
}

export function proxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const { resource, httpMethod, path, headers, query, pathParameters, body, accountId, stage, authorizer, identity } = request;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  return {
    resource, path, httpMethod, headers, multiValueHeaders: {},
    queryStringParameters: query.size > 0 ? Object.fromEntries(query) : null,
    multiValueQueryStringParameters: null,
    // "pathParameters": null when the resource has none, as API Gateway sends it.
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null, stageVariables: null,
    body: text.length > 0 ? text : null, isBase64Encoded: false,
    requestContext: {
      accountId, apiId: 'local', stage, requestId: request.requestId ?? randomUUID(), resourceId: 'local', resourcePath: resource,
      httpMethod, path: `/${stage}${path}`, protocol: 'HTTP/1.1', requestTimeEpoch: request.requestTimeEpoch ?? Date.now(),
      // Assumption: an IAM-authorised request carries no authorizer block (no page shows one).
      ...(authorizer ? { authorizer } : {}),
      identity,
    },
  } as unknown as APIGatewayProxyEvent;
}

export interface AuthorizerRequest {
  region: string;
  accountId: string;
  stage: string;
  resource: string;
  httpMethod: string;
  path: string;
  /** The path, decoded segment by segment, as it appears in the method ARN. */
  decodedPath: string;
  headers: Record<string, string>;
  query: URLSearchParams;
  pathParameters: Record<string, string>;
}

/** The partner REQUEST authorizer's event for one request. */
export function authorizerEvent(request: AuthorizerRequest): APIGatewayRequestAuthorizerEvent {
  const { region, accountId, stage, resource, httpMethod, path, decodedPath, headers, query, pathParameters } = request;
  return {
    type: 'REQUEST', methodArn: `arn:aws:execute-api:${region}:${accountId}:local/${stage}/${httpMethod}${decodedPath}`,
    resource, path, httpMethod, headers, multiValueHeaders: {}, pathParameters, queryStringParameters: Object.fromEntries(query),
    multiValueQueryStringParameters: {}, stageVariables: {}, requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

/** The authorizer's answer as API Gateway passes it on: its context plus the principalId. */
export function authorizerContext(result: { principalId: string; context?: Record<string, unknown> | null | undefined }): Record<string, unknown> {
  return { ...result.context, principalId: result.principalId };
}

/**
 * requestContext.identity for an IAM-authorised request. Meanings from the $context.identity table of
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html:
 * accountId "The AWS account ID associated with the request"; accessKey "The AWS access key associated
 * with the request"; caller "The principal identifier of the caller that signed the request"; user "The
 * principal identifier of the user that will be authorized against resource access. Supported for
 * resources that use IAM authorization"; userArn "The Amazon Resource Name (ARN) of the effective user
 * identified after authentication"; the cognito* fields are "Available only if the request was signed
 * with Amazon Cognito credentials". The principal identifier is the caller's unique id (aws:userid: the
 * AIDA... user id, or `AROA...:session-name` for a role session), so caller and user are the same here.
 * Assumption: principalOrgId is null (organizations are not modelled), as are apiKey, apiKeyId and clientCert.
 */
export function iamIdentity(caller: Caller, accessKeyId: string, sourceIp: string, userAgent: string | null): APIGatewayEventIdentity {
  return {
    accessKey: accessKeyId,
    accountId: caller.accountId,
    apiKey: null,
    apiKeyId: null,
    caller: caller.userId,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: caller.userId,
    userAgent,
    userArn: caller.arn,
  };
}
