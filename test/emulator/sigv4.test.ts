import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { parseAuthorization, signatureProblem, type SignedRequest } from '#emulator/sigv4.js';

const credentials = { accessKeyId: 'AKIATESTTESTTEST0000', secretAccessKey: 'secret/with+chars' };

/** Signs with the SDK's own signer, then hands the verifier what a server would receive. */
async function signed(input: { method: string; path: string; query: Record<string, string>; body: string }): Promise<SignedRequest> {
  const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'securityhub', sha256: Sha256 });
  const request = await signer.sign({
    method: input.method, protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: input.path, query: input.query,
    headers: { host: '127.0.0.1:4566', 'content-type': 'application/json' }, body: input.body,
  });
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const query = Object.entries(input.query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return { method: input.method, path: input.path, query, headers, body: Buffer.from(input.body) };
}

function problem(request: SignedRequest, secret = credentials.secretAccessKey): string | undefined {
  const parsed = parseAuthorization(request);
  if (parsed.kind !== 'signed') throw new Error(`not signed: ${parsed.kind}`);
  return signatureProblem(request, parsed.auth, secret, 'securityhub');
}

describe('SigV4 verification', () => {
  const base = {
    method: 'DELETE',
    // A greedy label as the SDK sends it: ':' escaped, '/' kept.
    path: '/productSubscriptions/arn%3Aaws%3Asecurityhub%3Aeu-west-1%3A111111111111%3Aproduct-subscription/a/b',
    query: { 'b key': 'x y', a: "it's*(ok)!", z: '' },
    body: '{"x":1}',
  };

  it('accepts a request signed by the SDK signer, encoded path and odd query characters included', async () => {
    expect(problem(await signed(base))).toBeUndefined();
  });

  it('rejects the wrong secret, a changed body, path or query', async () => {
    const request = await signed(base);
    expect(problem(request, 'other')).toMatch(/does not match/);
    expect(problem({ ...request, body: Buffer.from('{"x":2}') })).toMatch(/does not match/);
    expect(problem({ ...request, path: '/productSubscriptions/other' })).toMatch(/does not match/);
    expect(problem({ ...request, query: request.query.replace('z=', 'z=1') })).toMatch(/does not match/);
  });

  it('reads the credential scope: access key, date, Region and service', async () => {
    const parsed = parseAuthorization(await signed(base));
    expect(parsed.kind === 'signed' && parsed.auth).toMatchObject({ accessKeyId: credentials.accessKeyId, region: 'eu-west-1', service: 'securityhub' });
  });

  it('tells a missing Authorization header from a malformed one', () => {
    const request: SignedRequest = { method: 'GET', path: '/', query: '', headers: {}, body: Buffer.alloc(0) };
    expect(parseAuthorization(request).kind).toBe('missing');
    expect(parseAuthorization({ ...request, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' } }).kind).toBe('malformed');
  });
});
