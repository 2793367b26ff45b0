import { DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Seeded, assumeCustomerRole, failure, securityHubClient, startSeeded, stsClient } from './fixtures.js';

let seeded: Seeded;
beforeEach(async () => {
  seeded = await startSeeded();
});
afterEach(async () => {
  await seeded.emulator.stop();
});

const unknownKey = { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'whatever' };

describe('SigV4 authentication', () => {
  it('answers an unknown access key with InvalidClientTokenId (STS) and UnrecognizedClientException (Security Hub)', async () => {
    expect(await failure(stsClient(seeded.emulator, unknownKey).send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await failure(securityHubClient(seeded.emulator, unknownKey).send(new DescribeHubCommand({})))).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });
  });

  it('answers a signature made with the wrong secret with SignatureDoesNotMatch (STS)', async () => {
    const forged = { accessKeyId: seeded.brokerKey.accessKeyId, secretAccessKey: 'not-the-secret' };
    const error = await failure(stsClient(seeded.emulator, forged).send(new GetCallerIdentityCommand({})));
    expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(error.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
  });

  it("answers a bad signature to Security Hub with the JSON front end's InvalidSignatureException", async () => {
    const session = await assumeCustomerRole(seeded);
    const error = await failure(securityHubClient(seeded.emulator, { ...session, secretAccessKey: 'tampered' }).send(new DescribeHubCommand({})));
    expect(error).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
  });

  it('refuses session keys presented without their session token', async () => {
    const { sessionToken: _dropped, ...withoutToken } = await assumeCustomerRole(seeded);
    expect(await failure(securityHubClient(seeded.emulator, withoutToken).send(new DescribeHubCommand({})))).toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('expires sessions by the emulator clock: ExpiredTokenException (Security Hub) and ExpiredToken (STS)', async () => {
    const session = await assumeCustomerRole(seeded);
    const hub = securityHubClient(seeded.emulator, session);
    await expect(hub.send(new DescribeHubCommand({}))).resolves.toBeDefined();
    seeded.emulator.state.advanceClock(3600_000);
    expect(await failure(hub.send(new DescribeHubCommand({})))).toMatchObject({ name: 'ExpiredTokenException', status: 403 });
    expect(await failure(stsClient(seeded.emulator, session).send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'ExpiredToken', status: 403 });
  });

  it('keeps a session valid until just before its Expiration', async () => {
    const session = await assumeCustomerRole(seeded);
    seeded.emulator.state.advanceClock(3590_000);
    await expect(securityHubClient(seeded.emulator, session).send(new DescribeHubCommand({}))).resolves.toBeDefined();
  });

  it('refuses a request signed for another service', async () => {
    const response = await fetch(`${seeded.emulator.url}/accounts`, {
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${seeded.brokerKey.accessKeyId}/20250101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`,
        'x-amz-date': '20250101T000000Z',
      },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(await response.json()).toMatchObject({ Message: expect.stringContaining("Credential should be scoped to correct service: 'securityhub'") });
  });

  it('answers an unsigned request with MissingAuthenticationToken', async () => {
    const response = await fetch(seeded.emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});
