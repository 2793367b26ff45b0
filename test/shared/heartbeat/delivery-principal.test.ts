import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '#emulator/index.js';
import { deliveryPrincipalCredentials, heartbeatSessionName } from '#shared/heartbeat/delivery-principal.js';

// Role chaining against the emulator's STS: the heartbeat's own key assumes the delivery principal.
const BROKER = '111111111111';
const DELIVERY = `arn:aws:iam::${BROKER}:role/SecurityHubBroker-deliver`;
const HEARTBEAT = `arn:aws:iam::${BROKER}:role/SecurityHubBroker-heartbeat`;
const OTHER = `arn:aws:iam::${BROKER}:role/SecurityHubBroker-ingest`;
const SESSION = heartbeatSessionName('securityhub-broker');

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
  const { state } = emulator;
  state.addAccessKey({ accountId: BROKER, principalArn: HEARTBEAT, accessKeyId: 'AKIAHEARTBEATTEST001', secretAccessKey: 'heartbeat' });
  state.addAccessKey({ accountId: BROKER, principalArn: OTHER, accessKeyId: 'AKIAOTHERPRINCIPAL01', secretAccessKey: 'other' });
  state.putRole({
    accountId: BROKER, roleName: 'SecurityHubBroker-deliver',
    trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: HEARTBEAT }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:RoleSessionName': SESSION } } }] },
    permissionPolicies: { AssumeCustomerRoles: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } },
  });
});
afterAll(async () => emulator?.stop());

const stsAs = (accessKeyId: string, secretAccessKey: string) =>
  new STSClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId, secretAccessKey } });

describe('deliveryPrincipalCredentials', () => {
  it('acts as a session of the delivery principal, under the heartbeat session name', async () => {
    const credentials = deliveryPrincipalCredentials(stsAs('AKIAHEARTBEATTEST001', 'heartbeat'), { roleArn: DELIVERY, sessionName: SESSION });
    const asDelivery = new STSClient({ region: 'us-east-1', endpoint: emulator.url, credentials });
    const { Arn } = await asDelivery.send(new GetCallerIdentityCommand({}));
    expect(Arn).toBe(`arn:aws:sts::${BROKER}:assumed-role/SecurityHubBroker-deliver/securityhub-broker-heartbeat`);
  });

  it('assumes the delivery principal once for as long as its session lasts', async () => {
    const credentials = deliveryPrincipalCredentials(stsAs('AKIAHEARTBEATTEST001', 'heartbeat'), { roleArn: DELIVERY, sessionName: SESSION });
    const before = emulator.state.callCount('AssumeRole', BROKER);
    const [first, second] = await Promise.all([credentials(), credentials()]);
    await credentials();
    expect(emulator.state.callCount('AssumeRole', BROKER) - before).toBe(1);
    expect(second.accessKeyId).toBe(first.accessKeyId);
  });

  it('rejects, and tries again next time, when the delivery principal does not trust the caller', async () => {
    const credentials = deliveryPrincipalCredentials(stsAs('AKIAOTHERPRINCIPAL01', 'other'), { roleArn: DELIVERY, sessionName: SESSION });
    await expect(credentials()).rejects.toMatchObject({ name: 'AccessDenied' });
    const before = emulator.state.callCount('AssumeRole', BROKER);
    await expect(credentials()).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(emulator.state.callCount('AssumeRole', BROKER) - before).toBe(1);
  });

  it('is refused under any other session name, which the delivery principal pins for heartbeats', async () => {
    const credentials = deliveryPrincipalCredentials(stsAs('AKIAHEARTBEATTEST001', 'heartbeat'), { roleArn: DELIVERY, sessionName: 'securityhub-broker-acme' });
    await expect(credentials()).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
