/**
 * The local API front's AWS_IAM routes, called with requests signed by the AWS SDK's SigV4 signer
 * against credentials the emulator issued, and its partner routes, still behind the authorizer.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '#emulator/index.js';
import { startApiFront, type ApiFront } from '#infra/local/api-front.js';
import { signedFetch, signRequest, type SigningCredentials } from '#infra/local/signed-fetch.js';
import { MISSING_OR_MALFORMED_TOKEN } from '#functions/authorizer/refusals.js';

const REGION = 'us-east-1';
const BROKER_ACCOUNT = '111111111111';
const CUSTOMER = '222222222222';
const ALICE = `arn:aws:iam::${CUSTOMER}:user/alice`;
const ROLE_NAME = 'BrokerOnboarding';
const ROLE_PATH = '/v1/registrations/acme/scanner/role';
const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let emulator: Emulator;
let front: ApiFront;
let alice: SigningCredentials;
let authorizerCalls = 0;

beforeAll(async () => {
  emulator = await startEmulator();
  const { state } = emulator;
  alice = state.addAccessKey({ accountId: CUSTOMER, principalArn: ALICE });
  state.putRole({
    accountId: CUSTOMER,
    roleName: ROLE_NAME,
    unrestricted: true,
    trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }] },
  });
  const echo = async (event: APIGatewayProxyEvent) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      identity: event.requestContext.identity,
      authorizer: event.requestContext.authorizer ?? null,
      pathParameters: event.pathParameters,
      resource: event.resource,
      path: event.path,
      body: event.body,
    }),
  });
  front = await startApiFront({
    port: 0, region: REGION, accountId: BROKER_ACCOUNT, stage: 'v1',
    authorizer: async (event: APIGatewayRequestAuthorizerEvent) => {
      authorizerCalls += 1;
      if (event.headers?.authorization === 'Bearer revoked-key') {
        return {
          principalId: 'unknown',
          policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }] },
          context: { refusalCode: 'InvalidToken', refusalMessage: 'revoked' },
        };
      }
      if (event.headers?.authorization !== 'Bearer partner-key') throw new Error('Unauthorized');
      return {
        principalId: 'acme',
        policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
        context: { partnerId: 'acme' },
      };
    },
    credentials: { lookup: (id) => emulator.state.credentials.lookup(id), now: () => emulator.state.clock.now() },
    routes: [
      { method: 'PUT', resource: '/v1/registrations/{company}/{product}/role', auth: 'iam', functionName: 'onboarding', handler: echo },
      { method: 'POST', resource: '/v1/findings', auth: 'partner', functionName: 'ingest', handler: echo },
    ],
  });
});

afterAll(async () => {
  await front?.stop();
  await emulator?.stop();
});

async function assumeRole(): Promise<SigningCredentials> {
  const sts = new STSClient({ endpoint: emulator.url, region: REGION, credentials: alice, maxAttempts: 1 });
  const reply = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${CUSTOMER}:role/${ROLE_NAME}`, RoleSessionName: 'onboard' }));
  sts.destroy();
  const c = reply.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

async function answer(response: Response): Promise<{ status: number; errorType: string | null; body: Record<string, unknown> }> {
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: (await response.json()) as Record<string, unknown> };
}

const roleBody = JSON.stringify({ roleArn: `arn:aws:iam::${CUSTOMER}:role/SecurityHubBrokerImport` });

describe('IAM routes', () => {
  it('passes a SignatureV4-signed request to the handler with the caller identity and the path parameters', async () => {
    const res = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: alice, region: REGION }));
    expect(res.status).toBe(200);
    const caller = emulator.state.credentials.lookup(alice.accessKeyId)!.caller;
    expect(res.body).toMatchObject({
      identity: {
        accountId: CUSTOMER, userArn: ALICE, caller: caller.userId, user: caller.userId, accessKey: alice.accessKeyId,
        cognitoIdentityId: null, cognitoIdentityPoolId: null, cognitoAuthenticationType: null, cognitoAuthenticationProvider: null,
        sourceIp: '127.0.0.1',
      },
      authorizer: null,
      pathParameters: { company: 'acme', product: 'scanner' },
      resource: '/v1/registrations/{company}/{product}/role',
      path: ROLE_PATH,
      body: roleBody,
    });
    expect(caller.userId).toMatch(/^AIDA/);
  });

  it('verifies a request signed without x-amz-content-sha256 (the body hash is still the payload hash, as awscurl signs)', async () => {
    const signed = await signRequest(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: alice, region: REGION, applyChecksum: false });
    expect(Object.keys(signed.init.headers).map((h) => h.toLowerCase())).not.toContain('x-amz-content-sha256');
    expect(signed.init.headers.authorization).toContain('SignedHeaders=content-type;host;x-amz-date');
    expect((await fetch(signed.url, signed.init)).status).toBe(200);
  });

  it('decodes path parameters and verifies a percent-encoded path (canonical URI encoded twice, as SignatureV4 signs execute-api)', async () => {
    const res = await answer(await signedFetch(`${front.url}/v1/registrations/acme%20corp/scan%2Bner/role`, { method: 'PUT', body: roleBody, credentials: alice, region: REGION }));
    expect(res.status).toBe(200);
    expect(res.body.pathParameters).toEqual({ company: 'acme corp', product: 'scan+ner' });
  });

  it('verifies a signed query string', async () => {
    const res = await signedFetch(`${front.url}${ROLE_PATH}?dryRun=true&note=a b`, { method: 'PUT', body: roleBody, credentials: alice, region: REGION });
    expect(res.status).toBe(200);
  });

  it('answers an unsigned request with 403 Missing Authentication Token', async () => {
    const res = await answer(await fetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody }));
    expect(res).toEqual({ status: 403, errorType: 'MissingAuthenticationTokenException', body: { error: { code: 'MissingAuthenticationToken', message: 'Missing Authentication Token' } } });
  });

  it('answers an access key the emulator does not know with "The security token included in the request is invalid."', async () => {
    const stranger = { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'whatever' };
    const res = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: stranger, region: REGION }));
    expect(res).toEqual({ status: 403, errorType: 'AccessDeniedException', body: { error: { code: 'Forbidden', message: 'The security token included in the request is invalid.' } } });
  });

  it('answers a wrong secret key with the signature mismatch message', async () => {
    const forged = { accessKeyId: alice.accessKeyId, secretAccessKey: `${alice.secretAccessKey}x` };
    const res = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: forged, region: REGION }));
    expect(res).toEqual({ status: 403, errorType: 'InvalidSignatureException', body: { error: { code: 'InvalidSignature', message: MISMATCH } } });
  });

  it('answers a body changed after signing with the signature mismatch message', async () => {
    for (const applyChecksum of [true, false]) {
      const signed = await signRequest(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: alice, region: REGION, applyChecksum });
      const res = await answer(await fetch(signed.url, { ...signed.init, body: roleBody.replace('SecurityHubBrokerImport', 'Administrator') }));
      expect(res).toEqual({ status: 403, errorType: 'InvalidSignatureException', body: { error: { code: 'InvalidSignature', message: MISMATCH } } });
    }
  });

  it('answers an UNSIGNED-PAYLOAD request with the signature mismatch message (API Gateway hashes the body itself)', async () => {
    const signed = await signRequest(`${front.url}${ROLE_PATH}`, {
      method: 'PUT', body: roleBody, credentials: alice, region: REGION, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect((await answer(await fetch(signed.url, signed.init))).body).toEqual({ error: { code: 'InvalidSignature', message: MISMATCH } });
  });

  it('answers a signature scoped to another Region or service as API Gateway does', async () => {
    const elsewhere = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: alice, region: 'eu-west-1' }));
    expect(elsewhere).toEqual({ status: 403, errorType: 'InvalidSignatureException', body: { error: { code: 'InvalidSignature', message: 'Credential should be scoped to a valid region. ' } } });
    const signed = await signRequest(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: alice, region: REGION });
    signed.init.headers.authorization = signed.init.headers.authorization!.replace('/execute-api/', '/sts/');
    const res = await answer(await fetch(signed.url, signed.init));
    expect(res.body).toEqual({ error: { code: 'InvalidSignature', message: "Credential should be scoped to correct service: 'execute-api'. " } });
  });

  it('answers a request signed more than 5 minutes ago with "Signature expired"', async () => {
    const signingDate = new Date(Date.now() - 10 * 60 * 1000);
    const res = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: alice, region: REGION, signingDate }));
    expect(res.status).toBe(403);
    expect(res.errorType).toBe('InvalidSignatureException');
    expect((res.body.error as { message: string }).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  });

  it('answers a request signed more than 5 minutes in the future with "Signature not yet current"', async () => {
    const signingDate = new Date(Date.now() + 10 * 60 * 1000);
    const res = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: alice, region: REGION, signingDate }));
    expect((res.body.error as { message: string }).message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
  });

  it('answers a path with malformed percent-encoding as API Gateway answers any path it cannot route, never a 502', async () => {
    for (const path of ['/v1/registrations/%E0%A4%A/scanner/role', '/v1/%ZZ', '/%']) {
      const res = await answer(await fetch(`${front.url}${path}`, { method: 'PUT' }));
      expect(res.status, path).toBe(403);
      expect(res.body).toEqual({ error: { code: 'MissingAuthenticationToken', message: 'Missing Authentication Token' } });
    }
  });

  it('answers unknown paths and methods with 403 Missing Authentication Token', async () => {
    for (const [path, method] of [['/v1/registrations/acme/role', 'PUT'], [ROLE_PATH, 'GET'], ['/v1/registrations//scanner/role', 'PUT']] as const) {
      const res = await answer(await signedFetch(`${front.url}${path}`, { method, credentials: alice, region: REGION }));
      expect(res).toEqual({ status: 403, errorType: 'MissingAuthenticationTokenException', body: { error: { code: 'MissingAuthenticationToken', message: 'Missing Authentication Token' } } });
    }
  });
});

describe('IAM routes with AssumeRole session credentials', () => {
  it('admits session credentials with their token and reports the assumed-role session as the caller', async () => {
    const session = await assumeRole();
    const res = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: session, region: REGION }));
    expect(res.status).toBe(200);
    expect(res.body.identity).toMatchObject({
      accountId: CUSTOMER,
      userArn: `arn:aws:sts::${CUSTOMER}:assumed-role/${ROLE_NAME}/onboard`,
      caller: expect.stringMatching(/^AROA[A-Z2-7]+:onboard$/),
      user: expect.stringMatching(/^AROA[A-Z2-7]+:onboard$/),
      accessKey: session.accessKeyId,
    });
  });

  it('refuses session credentials signed without their token', async () => {
    const { sessionToken: _token, ...withoutToken } = await assumeRole();
    const res = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: withoutToken, region: REGION }));
    expect(res).toEqual({ status: 403, errorType: 'AccessDeniedException', body: { error: { code: 'Forbidden', message: 'The security token included in the request is invalid.' } } });
  });

  it('answers expired session credentials with "The security token included in the request is expired"', async () => {
    const session = await assumeRole();
    // Last in this file: the emulator's clock only moves forward.
    emulator.state.advanceClock(3600 * 1000 + 1000);
    const res = await answer(await signedFetch(`${front.url}${ROLE_PATH}`, { method: 'PUT', body: roleBody, credentials: session, region: REGION }));
    expect(res).toEqual({ status: 403, errorType: null, body: { error: { code: 'ExpiredToken', message: 'The security token included in the request is expired' } } });
  });
});

describe('partner routes', () => {
  it('still run the partner authorizer and pass its context, not an IAM identity', async () => {
    const res = await answer(await fetch(`${front.url}/v1/findings`, { method: 'POST', headers: { authorization: 'Bearer partner-key' }, body: '{}' }));
    expect(res.status).toBe(200);
    expect(res.body.authorizer).toEqual({ partnerId: 'acme', principalId: 'acme' });
    expect(res.body.identity).toEqual({ sourceIp: '127.0.0.1', userAgent: expect.any(String) });
    expect(res.body.pathParameters).toBeNull();
  });

  it('answer 401 when the authorizer says Unauthorized, even to a SigV4-signed request', async () => {
    const res = await answer(await signedFetch(`${front.url}/v1/findings`, { method: 'POST', body: '{}', credentials: alice, region: REGION }));
    expect(res).toEqual({ status: 401, errorType: null, body: { error: { code: 'Unauthorized', message: MISSING_OR_MALFORMED_TOKEN } } });
  });

  it('answer 401 without calling the authorizer when the Authorization header is missing, as API Gateway does for a missing identity source', async () => {
    const before = authorizerCalls;
    const res = await answer(await fetch(`${front.url}/v1/findings`, { method: 'POST', body: '{}' }));
    expect(res).toEqual({ status: 401, errorType: null, body: { error: { code: 'Unauthorized', message: MISSING_OR_MALFORMED_TOKEN } } });
    expect(authorizerCalls).toBe(before);
  });

  it("answer 403 with the authorizer's own code and message when it denies with a reason", async () => {
    const res = await answer(await fetch(`${front.url}/v1/findings`, { method: 'POST', headers: { authorization: 'Bearer revoked-key' }, body: '{}' }));
    expect(res).toEqual({ status: 403, errorType: null, body: { error: { code: 'InvalidToken', message: 'revoked' } } });
  });
});
