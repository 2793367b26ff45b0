import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;

export interface Route {
  method: string;
  /** The API Gateway resource path, matched exactly. */
  resource: string;
  functionName: string;
  handler: ProxyHandler;
}

/** API Gateway's own cap on a request payload. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ApiFront {
  url: string;
  stop(): Promise<void>;
}

/**
 * What API Gateway (REST, Lambda proxy integration, REQUEST authorizer) does in front of the
 * handlers: run the authorizer on every route (401 on "Unauthorized", 403 on a Deny), pass its
 * context on, turn the HTTP request into a proxy event and the result back into a response.
 */
export async function startApiFront(options: {
  port: number;
  region: string;
  accountId: string;
  stage: string;
  authorizer: AuthorizerHandler;
  routes: Route[];
}): Promise<ApiFront> {
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`api front: ${(error as Error).stack ?? String(error)}\n`);
      send(res, 502, { message: 'Internal server error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = options.routes.find((r) => r.method === req.method && r.resource === decodeURIComponent(url.pathname));
    if (!route) return send(res, 403, { message: 'Missing Authentication Token' });
    const body = await readBody(req);
    if (body === undefined) return send(res, 413, { message: 'Request Too Long' });
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const methodArn = `arn:aws:execute-api:${options.region}:${options.accountId}:local/${options.stage}/${route.method}${route.resource}`;
    let authorization: APIGatewayAuthorizerResult;
    try {
      authorization = await options.authorizer(
        { type: 'REQUEST', methodArn, resource: route.resource, path: url.pathname, httpMethod: route.method, headers,
          multiValueHeaders: {}, pathParameters: {}, queryStringParameters: Object.fromEntries(url.searchParams),
          multiValueQueryStringParameters: {}, stageVariables: {}, requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'] },
        lambdaContext('authorizer'),
      );
    } catch (error) {
      if ((error as Error).message === 'Unauthorized') return send(res, 401, { message: 'Unauthorized' });
      throw error;
    }
    const allowed = authorization.policyDocument.Statement.some((s) => 'Effect' in s && s.Effect === 'Allow');
    if (!allowed) return send(res, 403, { message: 'User is not authorized to access this resource with an explicit deny' });
    const requestId = randomUUID();
    const event = {
      resource: route.resource, path: url.pathname, httpMethod: route.method, headers, multiValueHeaders: {},
      queryStringParameters: url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null,
      multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null,
      body: body.length > 0 ? body.toString('utf8') : null, isBase64Encoded: false,
      requestContext: {
        accountId: options.accountId, apiId: 'local', stage: options.stage, requestId, resourceId: 'local', resourcePath: route.resource,
        httpMethod: route.method, path: `/${options.stage}${url.pathname}`, protocol: 'HTTP/1.1', requestTimeEpoch: Date.now(),
        authorizer: { ...authorization.context, principalId: authorization.principalId },
        identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? null },
      },
    } as unknown as APIGatewayProxyEvent;
    const result = await route.handler(event, lambdaContext(route.functionName));
    res.writeHead(result.statusCode, { 'x-amzn-requestid': requestId, ...(result.headers as Record<string, string> | undefined) });
    res.end(result.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The body, or undefined past API Gateway's payload cap (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= API_GATEWAY_MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > API_GATEWAY_MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}
