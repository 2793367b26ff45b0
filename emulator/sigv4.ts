/**
 * Server-side AWS Signature Version 4 verification (header-signed requests, AWS4-HMAC-SHA256).
 *
 * Hand-written with node:crypto because no library verifies server-side: @smithy/signature-v4
 * signs outgoing requests, but a server must rebuild the canonical request from what actually
 * arrived (method, raw path, raw query, the signed headers, the body's hash) and compare. Both
 * clients this emulator serves (AWS SDK v3 and botocore) double-encode the path for non-S3
 * services, so the canonical URI here is the received (already encoded) path, encoded once more.
 *
 * Sources: the signing steps, https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html;
 * the path rule "Each path segment must be URI-encoded twice (except for Amazon S3 ...)",
 * https://docs.aws.amazon.com/general/latest/gr/sigv4-create-canonical-request.html; the error texts,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html.
 * Not modelled (Assumption: the SDK and CLI never need them here): query-string (presigned) signing,
 * the 'date' header in place of X-Amz-Date (https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html#date),
 * request-time skew ("Signature expired" / "Signature not yet current"; it would fight advanceClock),
 * checking that the scope's Region is a real one, and requiring every x-amz-* header to be signed.
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

/** "For SHA-256, the algorithm is AWS4-HMAC-SHA256" (create-signed-request.html#create-string-to-sign). */
const ALGORITHM = 'AWS4-HMAC-SHA256';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Reads `Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request,
 * SignedHeaders=..., Signature=...` (create-signed-request.html#add-signature-to-request).
 * 'missing' becomes the service's MissingAuthenticationToken answer, 'malformed' its IncompleteSignature
 * answer (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). Assumption: the
 * 'malformed' message texts are those AWS's front end sends, as observed; no page lists them.
 * Assumption: a scope not ending in aws4_request is answered as malformed here, where AWS documents
 * the signature check failing with "Credential should be scoped with a valid terminator: 'aws4_request'"
 * (signature-v4-troubleshooting.html#signature-v4-troubleshooting-credential-scope).
 */
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

/**
 * RFC 3986 encoding as SigV4 wants it: everything but unreserved characters (create-signed-request.html#create-canonical-request).
 * IAM encodes the policy documents it returns the same way ("URL-encoded compliant with RFC 3986",
 * botocore iam/2010-05-08/service-2.json, GetRole and GetRolePolicy documentation).
 */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** "Normalize URI paths according to RFC 3986 ... each path segment must be URI-encoded twice" (sigv4-create-canonical-request.html). */
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

/**
 * Names and values encoded separately, an empty value kept as `name=`, sorted by name
 * (create-signed-request.html#create-canonical-request); equal names sort by value
 * (sigv4-create-canonical-request.html).
 */
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
  // Otherwise hash what arrived, so a tampered body fails. Assumption: UNSIGNED-PAYLOAD is accepted
  // here as S3 documents it (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html);
  // whether STS or Security Hub accept it is undocumented, and neither client sends it.
  const payloadHash = claimedHash === 'UNSIGNED-PAYLOAD' ? claimedHash : sha256Hex(request.body);
  // Lower-case names, values trimmed with inner runs of spaces collapsed, multi-value headers joined
  // with commas (create-signed-request.html#create-canonical-request).
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

/**
 * Why a well-formed signature is still unacceptable, or undefined when it verifies; the caller answers
 * with the service's signature error (HTTP 403 SignatureDoesNotMatch for STS, signature-v4-troubleshooting.html).
 * Messages: the first sentence of each is the text signature-v4-troubleshooting.html gives (service,
 * date, signature); the 'Host' text and the rest of each message are Assumption (observed wording).
 * Assumption: the order of the checks (service, Region for a global service, date, host, then the
 * signature) is not documented.
 */
export function signatureProblem(
  request: SignedRequest, auth: Authorization, secretAccessKey: string, expectedService: string, expectedRegion?: string,
): string | undefined {
  if (auth.service !== expectedService) return `Credential should be scoped to correct service: '${expectedService}'. `;
  // A global service (IAM) is signed for us-east-1 only: "Credential should be scoped to a valid Region"
  // (signature-v4-troubleshooting.html#signature-v4-troubleshooting-credential-scope). Assumption: the
  // lower-case wire text, as reported from the live services (e.g. repost.aws question QUvgiNHeCERdm2P9tUaot-rQ).
  if (expectedRegion !== undefined && auth.region !== expectedRegion) return 'Credential should be scoped to a valid region. ';
  if (auth.scopeDate !== auth.amzDate.slice(0, 8)) return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`;
  // "You must include the host header (HTTP/1.1) ... in the signature" (create-signed-request.html).
  if (!auth.signedHeaders.includes('host')) return "'Host' must be a 'SignedHeader' in the AWS Authorization.";
  const expected = Buffer.from(expectedSignature(request, auth, secretAccessKey), 'utf8');
  const given = Buffer.from(auth.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
  }
  return undefined;
}
