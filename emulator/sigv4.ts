/**
 * Server-side AWS Signature Version 4 verification (header-signed requests, AWS4-HMAC-SHA256).
 *
 * Hand-written with node:crypto because no library verifies server-side: @smithy/signature-v4
 * signs outgoing requests, but a server must rebuild the canonical request from what actually
 * arrived (method, raw path, raw query, the signed headers, the body's hash) and compare. Both
 * clients this emulator serves (AWS SDK v3 and botocore) double-encode the path for non-S3
 * services, so the canonical URI here is the received (already encoded) path, encoded once more.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  method: string;
  /** Path as received, still percent-encoded. */
  path: string;
  /** Query string as received, without '?'. */
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Authorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

export type AuthorizationParse =
  | { kind: 'signed'; auth: Authorization }
  | { kind: 'missing' }
  | { kind: 'malformed'; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function parseAuthorization(request: SignedRequest): AuthorizationParse {
  const value = header(request.headers, 'authorization');
  if (!value) return { kind: 'missing' };
  if (!value.startsWith(`${ALGORITHM} `)) return { kind: 'malformed', message: `Unsupported AWS 'algorithm': ${value.split(' ')[0]}` };
  const fields = new Map<string, string>();
  for (const part of value.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const amzDate = header(request.headers, 'x-amz-date');
  if (!credential || credential.length !== 5 || credential[4] !== 'aws4_request' || !signedHeaders || !signature) {
    return { kind: 'malformed', message: "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters." };
  }
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return { kind: 'malformed', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  }
  const [accessKeyId, scopeDate, region, service] = credential as [string, string, string, string, string];
  return {
    kind: 'signed',
    auth: { accessKeyId, scopeDate, region, service, signedHeaders: signedHeaders.split(';'), signature, amzDate },
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return uriEncode(normalized).replace(/%2F/g, '/');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return [uriEncode(safeDecode(key)), uriEncode(safeDecode(value))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function expectedSignature(request: SignedRequest, auth: Authorization, secretAccessKey: string): string {
  const claimedHash = header(request.headers, 'x-amz-content-sha256');
  // A client may opt out of payload signing; otherwise hash what arrived, so a tampered body fails.
  const payloadHash = claimedHash === 'UNSIGNED-PAYLOAD' ? claimedHash : sha256Hex(request.body);
  const canonicalHeaders = auth.signedHeaders
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.query),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [ALGORITHM, auth.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const dateKey = hmac(`AWS4${secretAccessKey}`, auth.scopeDate);
  const signingKey = hmac(hmac(hmac(dateKey, auth.region), auth.service), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

/** Why a well-formed signature is still unacceptable, or undefined when it verifies. */
export function signatureProblem(request: SignedRequest, auth: Authorization, secretAccessKey: string, expectedService: string): string | undefined {
  if (auth.service !== expectedService) return `Credential should be scoped to correct service: '${expectedService}'. `;
  if (auth.scopeDate !== auth.amzDate.slice(0, 8)) return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`;
  if (!auth.signedHeaders.includes('host')) return "'Host' must be a 'SignedHeader' in the AWS Authorization.";
  const expected = Buffer.from(expectedSignature(request, auth, secretAccessKey), 'utf8');
  const given = Buffer.from(auth.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
  }
  return undefined;
}
