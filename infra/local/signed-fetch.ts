/**
 * Calls an IAM-authorised (AWS_IAM) API Gateway route with a request signed by the AWS SDK's own
 * SigV4 signer (@smithy/signature-v4, signing name execute-api), the way a customer's code or awscurl
 * would: the Host header is signed, the body's SHA-256 is the payload hash, session credentials add
 * x-amz-security-token. For tests and docs; the broker itself never calls its own API.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedFetchOptions {
  method: string;
  body?: string;
  credentials: SigningCredentials;
  region: string;
  /** Extra headers, signed too. A body without a content-type is sent as application/json. */
  headers?: Record<string, string>;
  /** Default now; tests use it to sign with a skewed clock. */
  signingDate?: Date;
  /**
   * SignatureV4's applyChecksum (default true): also send and sign x-amz-content-sha256. With false the
   * request carries no such header and the payload hash is still the body's, as awscurl signs.
   */
  applyChecksum?: boolean;
}

export interface SignedRequestInit {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
}

/** RFC 3986 encoding, the same SignatureV4 applies to query names and values. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Signs without sending, so a test can change the request afterwards (a tampered body, a dropped token). */
export async function signRequest(url: string | URL, options: SignedFetchOptions): Promise<SignedRequestInit> {
  const target = new URL(url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of target.searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  // The query goes on the wire exactly as it is signed (URLSearchParams would write a space as '+').
  const search = [...target.searchParams].map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
  const headers: Record<string, string> = { host: target.host, ...options.headers };
  if (options.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    ...(options.applyChecksum === undefined ? {} : { applyChecksum: options.applyChecksum }),
  });
  const signed = await signer.sign(
    {
      method: options.method.toUpperCase(),
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port ? { port: Number(target.port) } : {}),
      // The path as it goes on the wire (already percent-encoded); SignatureV4 encodes it once more.
      path: target.pathname,
      query,
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  // fetch sets Host itself, from the URL, to the value signed above.
  const { host: _host, ...wireHeaders } = signed.headers;
  return {
    url: `${target.origin}${target.pathname}${search ? `?${search}` : ''}`,
    init: { method: signed.method, headers: wireHeaders, ...(options.body === undefined ? {} : { body: options.body }) },
  };
}

/** `fetch` with the request signed by SignatureV4 for execute-api; returns the Response as is. */
export async function signedFetch(url: string | URL, options: SignedFetchOptions): Promise<Response> {
  const { url: target, init } = await signRequest(url, options);
  return fetch(target, init);
}
