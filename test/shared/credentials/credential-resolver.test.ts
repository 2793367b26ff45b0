import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialResolver } from '#shared/credentials/credential-resolver.js';
import type { Registration } from '#shared/registry/model.js';

// Counting AssumeRole calls per role needs only a stub; the journeys use the emulator's STS.
const sts = mockClient(STSClient);
afterEach(() => sts.reset());

const registrationOf = (accountId: string, partnerId = 'acme'): Registration => ({
  accountId, productKey: 'acme/scanner', partnerId, regions: ['us-east-1'], mode: 'cross-account-role',
  roleArn: `arn:aws:iam::${accountId}:role/SecurityHubFindingsBroker-acme`, externalId: 'x'.repeat(43), status: 'ACTIVE',
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
});

describe('CredentialResolver bounds', () => {
  it('keeps credentials of at most maxEntries roles, assuming an evicted role again when next needed, with its own request', async () => {
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
      Credentials: { AccessKeyId: `ASIA-${input.RoleArn.split(':')[4]}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) },
    }));
    const resolver = new CredentialResolver(new STSClient({ region: 'us-east-1' }), { sessionNamePrefix: 'broker', maxEntries: 2 });
    const [a, b, c] = ['222222222222', '333333333333', '444444444444'].map((id) => registrationOf(id));
    await resolver.credentialsFor(a!);
    await resolver.credentialsFor(b!);
    await resolver.credentialsFor(c!); // evicts a
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
    await resolver.credentialsFor(c!);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
    const again = await resolver.credentialsFor(a!);
    expect(again?.accessKeyId).toBe('ASIA-222222222222');
    const calls = sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(4);
    expect(calls[3]).toMatchObject({ RoleArn: a!.roleArn, ExternalId: a!.externalId, RoleSessionName: 'broker-acme' });
  });
});
