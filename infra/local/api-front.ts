import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayEventIdentity,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import type { Caller } from '#emulator/identity.js';
import { parseAuthorization, signatureProblem, type Authorization, type SignedRequest } from '#emulator/sigv4.js';
import { LAMBDA_SYNC_PAYLOAD_BYTES } from '#shared/limits.js';
import { gatewayErrorBody, type GatewayResponseType, type RefusalContext } from '../gateway-responses.js';
import { lambdaContext } from './lambda-context.js';
import { authorizerContext, authorizerEvent, iamIdentity, proxyEvent } from './proxy-event.js';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;

export interface Route {
  method: string;
  /**
   * The API Gateway resource path, matched segment by segment: a `{name}` segment is a path parameter
   * and matches any one non-empty segment (greedy `{name+}` is not modelled); other segments match exactly.
   */
  resource: string;
  /**
   * 'partner' (the default): the partner Lambda REQUEST authorizer runs first. 'iam': API Gateway's
   * AWS_IAM authorization, a SigV4 signature for service execute-api checked against the credentials
   * the emulator knows.
   */
  auth?: 'partner' | 'iam';
  functionName: string;
  handler: ProxyHandler;
}

/**
 * What the IAM routes need from the emulator: its credential store (CredentialStore.lookup has this
 * shape) and its clock, which decides when session credentials expire.
 */
export interface IamCredentialSource {
  lookup(accessKeyId: string): { secretAccessKey: string; sessionToken?: string; expiresAt?: number; caller: Caller } | undefined;
  now(): number;
}

export interface ApiFrontOptions {
  port: number;
  region: string;
  accountId: string;
  stage: string;
  /** Required when any route uses the partner authorizer. */
  authorizer?: AuthorizerHandler;
  /** Required when any route is 'iam'. */
  credentials?: IamCredentialSource;
  routes: Route[];
}

/** API Gateway's own cap on a request payload. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/*
 * An event over Lambda's synchronous payload limit (LAMBDA_SYNC_PAYLOAD_BYTES) never reaches the
 * handler: Lambda refuses it with RequestEntityTooLargeException. Assumption: API Gateway then answers
 * as for any failed integration, 500 {"message": "Internal server error"}; no page gives its answer for
 * this case. Ingest's own cap sits below the limit, so partners get its clear 413 first.
 */

/** The signing name of API Gateway's execute-api endpoint (`Credential=.../execute-api/aws4_request`). */
const SIGNING_NAME = 'execute-api';

/**
 * A request's X-Amz-Date may differ from the server's time by this much either way: "An API request
 * must reach AWS within 5 minutes of the timestamp in the request or AWS denies the request"
 * (https://repost.aws/knowledge-center/lambda-sdk-signature).
 */
const MAX_SKEW_MS = 5 * 60 * 1000;

/** An authorizer's "Unauthorized", or a partner request without the Authorization header. */
const UNAUTHORIZED = { status: 401, type: 'UNAUTHORIZED', message: 'Unauthorized' } as const;

/**
 * API Gateway's 403 answers: their message (which the deployed gateway responses put in the broker's
 * error shape) and header x-amzn-errortype.
 * Sources: the table in https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
 * (MissingAuthenticationTokenException "Missing Authentication Token"; AccessDeniedException "The
 * security token included in the request is invalid."; InvalidSignatureException "Signature expired");
 * the same messages in https://repost.aws/knowledge-center/api-gateway-iam-sigv4-mismatch. The full
 * signature-mismatch text is what execute-api answered in okigan/awscurl#27, with Error Code
 * InvalidSignatureException in rpgreen/apigateway-generic-java-sdk#11 (the SDK reads it from
 * x-amzn-ErrorType). The expired-token text is AWS's usual one (ExpiredToken), with HTTP 403 from
 * Amazon's SP-API, whose requests were then SigV4-signed for execute-api (amzn/selling-partner-api-models#2595);
 * Assumption: API Gateway's wording is exactly this (no AWS page quotes it for API Gateway).
 * Assumption: real API Gateway appends "The Canonical String for this request should have been ..."
 * and "The String-to-Sign should have been ..." to the signature-mismatch message (the troubleshooting
 * page says to compare them "with the values in the error message"); only the first sentences are sent here.
 */
const MISSING_TOKEN = { status: 403, type: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' } as const;
/** Assumption: API Gateway answers an unknown key through its ACCESS_DENIED response (the error type's name); no page says which. */
const INVALID_TOKEN = { status: 403, type: 'ACCESS_DENIED', errorType: 'AccessDeniedException', message: 'The security token included in the request is invalid.' } as const;
/** Assumption: no page names the x-amzn-errortype of this answer from API Gateway, so it is left out. */
const EXPIRED_TOKEN = { status: 403, type: 'EXPIRED_TOKEN', message: 'The security token included in the request is expired' } as const;

/**
 * One of API Gateway's own answers: its status, the gateway response type that shapes its body
 * (infra/gateway-responses.ts, as the deployed stack configures them), the x-amzn-errortype header, and its message.
 */
interface Rejection {
  status: number;
  type: GatewayResponseType;
  errorType?: string;
  message: string;
  context?: RefusalContext;
}

function invalidSignature(message: string): Rejection {
  return { status: 403, type: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException', message };
}

const INTERNAL_ERROR = { status: 500, type: 'DEFAULT_5XX', message: 'Internal server error' } as const;

export interface ApiFront {
  url: string;
  stop(): Promise<void>;
}

interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
  /** The request path, decoded segment by segment (what today's exact match compared against). */
  decodedPath: string;
}

/**
 * What API Gateway (REST, Lambda proxy integration) does in front of the handlers. Partner routes
 * run the REQUEST authorizer (401 without an Authorization header or on "Unauthorized", 403 on a Deny) and pass its context on; IAM
 * routes verify the caller's SigV4 signature and pass its identity on. Either way the HTTP request
 * becomes a proxy event and the result an HTTP response.
 */
export async function startApiFront(options: ApiFrontOptions): Promise<ApiFront> {
  if (!options.authorizer && options.routes.some((r) => (r.auth ?? 'partner') === 'partner')) {
    throw new Error('startApiFront: partner routes need options.authorizer');
  }
  if (!options.credentials && options.routes.some((r) => r.auth === 'iam')) {
    throw new Error('startApiFront: iam routes need options.credentials');
  }
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`api front: ${(error as Error).stack ?? String(error)}\n`);
      reject(res, { ...INTERNAL_ERROR, status: 502 });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const url = new URL(target, 'http://localhost');
    const match = matchRoute(options.routes, req.method ?? 'GET', url.pathname);
    // Unknown resource or method: "Missing Authentication Token"
    // (https://repost.aws/knowledge-center/api-gateway-authentication-token-errors).
    if (!match) return reject(res, MISSING_TOKEN);
    const { route, pathParameters, decodedPath } = match;
    const body = await readBody(req);
    if (body === undefined) return reject(res, { status: 413, type: 'REQUEST_TOO_LARGE', message: 'Request Too Long' });
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const userAgent = headers['user-agent'] ?? null;

    let authorizer: Record<string, unknown> | undefined;
    let identity: Partial<APIGatewayEventIdentity>;
    if (route.auth === 'iam') {
      const q = target.indexOf('?');
      const signed: SignedRequest = {
        method: req.method ?? 'GET',
        path: q < 0 ? target : target.slice(0, q),
        query: q < 0 ? '' : target.slice(q + 1),
        headers: req.headers,
        body,
      };
      const outcome = authenticateIam(signed, options.credentials!, options.region);
      if ('message' in outcome) return reject(res, outcome);
      identity = iamIdentity(outcome.caller, outcome.accessKeyId, sourceIp, userAgent);
    } else {
      // The authorizer's identity source is the Authorization header: without it API Gateway answers 401
      // and does not call the authorizer (Assumption: an empty header counts as missing).
      if (!headers.authorization) return reject(res, UNAUTHORIZED);
      let authorization: APIGatewayAuthorizerResult;
      try {
        authorization = await options.authorizer!(
          authorizerEvent({ region: options.region, accountId: options.accountId, stage: options.stage, resource: route.resource,
            httpMethod: route.method, path: url.pathname, decodedPath, headers, query: url.searchParams, pathParameters }),
          lambdaContext('authorizer'),
        );
      } catch (error) {
        if ((error as Error).message === 'Unauthorized') return reject(res, UNAUTHORIZED);
        throw error;
      }
      const allowed = authorization.policyDocument.Statement.some((s) => 'Effect' in s && s.Effect === 'Allow');
      if (!allowed) {
        return reject(res, { status: 403, type: 'ACCESS_DENIED', message: 'User is not authorized to access this resource with an explicit deny',
          context: authorization.context ?? {} });
      }
      authorizer = authorizerContext(authorization);
      identity = { sourceIp, userAgent };
    }

    const requestId = randomUUID();
    const event = proxyEvent({
      resource: route.resource, httpMethod: route.method, path: url.pathname, headers, query: url.searchParams, pathParameters, body,
      accountId: options.accountId, stage: options.stage, requestId, identity, ...(authorizer ? { authorizer } : {}),
    });
    if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_SYNC_PAYLOAD_BYTES) return reject(res, INTERNAL_ERROR);
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

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The route for a method and path, segment by segment. Where several resources match, the one with
 * more literal segments wins (API Gateway prefers the more specific resource over a path variable;
 * Assumption: ties beyond that do not occur in this project's routes).
 */
function matchRoute(routes: Route[], method: string, pathname: string): RouteMatch | undefined {
  const segments = pathname.split('/').map(safeDecode);
  let best: { match: RouteMatch; literals: number } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.resource.split('/');
    if (template.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let literals = 0;
    let matched = true;
    for (const [i, part] of template.entries()) {
      const segment = segments[i]!;
      const param = /^\{([^{}+]+)\}$/.exec(part);
      if (param) {
        if (segment === '') { matched = false; break; }
        pathParameters[param[1]!] = segment;
      } else if (part === segment) {
        literals += 1;
      } else {
        matched = false;
        break;
      }
    }
    if (matched && (!best || literals > best.literals)) {
      best = { match: { route, pathParameters, decodedPath: segments.join('/') }, literals };
    }
  }
  return best?.match;
}

/** yyyyMMdd'T'HHmmss'Z', the X-Amz-Date format. */
function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function amzDateMs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function header(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * AWS_IAM authorization. Order of the checks (Assumption: AWS does not document it; it follows the
 * emulator's dispatch.ts, with the payload-hash and time checks placed around the signature check):
 * 1. No Authorization header: "Missing Authentication Token"
 *    (https://repost.aws/knowledge-center/api-gateway-iam-sigv4-mismatch: "If the API request isn't
 *    signed, then you receive ... Missing Authentication Token").
 * 2. Malformed header: IncompleteSignatureException (API Gateway's error type for a malformed
 *    Authorization header, amazon-archives/aws-cognito-angular-quickstart#50); the texts are
 *    emulator/sigv4.ts's (Assumption there), and so is the status 403 (Assumption).
 * 3. Unknown access key, or session credentials without their x-amz-security-token (Assumption: answered
 *    as an unknown key, as the emulator's own services do): "The security token included in the request is invalid."
 * 4. Payload hash: API Gateway hashes the body it received. Assumption: an x-amz-content-sha256 header
 *    that is not that hash (UNSIGNED-PAYLOAD included: aws/aws-sdk-js-v3#308 signed execute-api requests
 *    with it and got a signature mismatch) is answered as a signature mismatch. emulator/sigv4.ts accepts
 *    UNSIGNED-PAYLOAD as S3 does, which is why this is checked here.
 * 5. emulator/sigv4.ts signatureProblem with signing name execute-api and the API's Region: service scope
 *    ("Credential should be scoped to correct service: 'execute-api'. ", the text execute-api answered in
 *    aws/aws-sdk-js-v3#1831), the scope's Region ("Credential should be scoped to a valid region. ", sourced
 *    there; Assumption: API Gateway, a regional API, refuses another Region's scope with that text),
 *    scope date, signed Host, then the signature over the canonical request. Its canonical URI is the
 *    received path encoded once more, which is what SignatureV4 (uriEscapePath true, its default) signs
 *    for execute-api: "Each path segment must be URI-encoded twice (except for Amazon S3 ...)"
 *    (https://docs.aws.amazon.com/general/latest/gr/sigv4-create-canonical-request.html).
 * 6. X-Amz-Date more than 5 minutes off the wall clock: "Signature expired: <date> is now earlier than
 *    <now - 5 min> (<now> - 5 min.)", InvalidSignatureException, as API Gateway answered in
 *    http://www.kouhan.cn/en/article/00046627 and the knowledge-center table above; the future case
 *    "Signature not yet current: <date> is still later than <now + 5 min> (<now> + 5 min.)" is the shape
 *    https://devopsaitoolkit.com/blog/aws-error-invalid-signature-clock-skew/ shows (with 15 min for STS;
 *    Assumption: 5 min here too). Assumption: checked against the wall clock, which the signer stamps
 *    with, not the emulator's clock, which tests push forward to expire sessions.
 * 7. Session credentials past their expiry on the emulator's clock: "The security token included in the request is expired".
 * Not modelled: presigned (query-string) signing; execute-api:Invoke authorization (identity-based and
 * resource policies: "User: ... is not authorized to perform: execute-api:Invoke ..."): every caller
 * the emulator knows may invoke every IAM route, from any account.
 */
function authenticateIam(request: SignedRequest, credentials: IamCredentialSource, region: string): { caller: Caller; accessKeyId: string } | Rejection {
  const parsed = parseAuthorization(request);
  if (parsed.kind === 'missing') return MISSING_TOKEN;
  if (parsed.kind === 'malformed') return { status: 403, type: 'DEFAULT_4XX', errorType: 'IncompleteSignatureException', message: parsed.message };
  const auth: Authorization = parsed.auth;
  const credential = credentials.lookup(auth.accessKeyId);
  if (!credential) return INVALID_TOKEN;
  if (credential.sessionToken !== undefined && header(request, 'x-amz-security-token') !== credential.sessionToken) return INVALID_TOKEN;
  const mismatch = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
  const claimedHash = header(request, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex')) return invalidSignature(mismatch);
  const problem = signatureProblem(request, auth, credential.secretAccessKey, SIGNING_NAME, region);
  if (problem) return invalidSignature(problem);
  const now = Date.now();
  const signedAt = amzDateMs(auth.amzDate);
  if (signedAt < now - MAX_SKEW_MS) {
    return invalidSignature(`Signature expired: ${auth.amzDate} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 5 min.)`);
  }
  if (signedAt > now + MAX_SKEW_MS) {
    return invalidSignature(`Signature not yet current: ${auth.amzDate} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 5 min.)`);
  }
  if (credential.expiresAt !== undefined && credential.expiresAt <= credentials.now()) return EXPIRED_TOKEN;
  return { caller: credential.caller, accessKeyId: auth.accessKeyId };
}

/** API Gateway's answer, in the body its gateway response renders. */
function reject(res: ServerResponse, rejection: Rejection): void {
  send(res, rejection.status, gatewayErrorBody(rejection.type, rejection.message, rejection.context),
    rejection.errorType ? { 'x-amzn-errortype': rejection.errorType } : {});
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
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
