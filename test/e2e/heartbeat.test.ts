import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_BROKER, type LocalStack } from '#infra/local/stack.js';
import { quotaKeyOf } from '#shared/delivery/quota-key.js';
import { DynamoQuotaStates } from '#shared/delivery/quota-states.js';
import { HEARTBEAT_TYPE, heartbeatId } from '#shared/heartbeat/heartbeat-finding.js';
import { permissionsPolicy } from '#shared/onboarding/role-documents.js';
import { productArn } from '#shared/product/product-arn.js';
import { addCustomer, addPartner, deadLetters, startBroker, type TestPartner } from '../support/local-broker.js';

// One heartbeat round on the whole local stack: the real heartbeat handler, acting as the delivery
// principal by role chaining, importing through the emulator's STS and Security Hub.
const ACTIVE = '222222222222';
const TWO_REGIONS = '232323232323';
const SUSPENDED = '333333333333';
const OFFBOARDED = '444444444444';
const PENDING = '555555555555';
const UNTRUSTING = '666666666666';
const SECOND_REGION = 'eu-west-1';

let stack: LocalStack;
let partner: TestPartner;
let secondProductArn: string;
const region = () => stack.region;

beforeAll(async () => {
  stack = await startBroker({ heartbeatTimer: false });
  partner = await addPartner(stack, 'acme');
  // The partner's product in a second Region, and a customer registered in both.
  secondProductArn = productArn({ partition: 'aws', region: SECOND_REGION, accountId: stack.brokerAccountId, company: 'acme', product: 'scanner' });
  const stored = (await stack.registry.getPartner(partner.partnerId))!;
  await stack.registry.putPartner({ ...stored, productArns: [partner.productArn, secondProductArn] });
  await addCustomer(stack, partner, { accountId: ACTIVE });
  const twoRegions = await addCustomer(stack, partner, { accountId: TWO_REGIONS });
  const { state } = stack.emulator;
  state.enableHub(TWO_REGIONS, SECOND_REGION);
  state.enableProduct(TWO_REGIONS, SECOND_REGION, secondProductArn);
  const roleName = twoRegions.roleArn!.split('/')[1]!;
  state.putRolePolicy(TWO_REGIONS, roleName, 'SecurityHubFindingsBrokerImport', permissionsPolicy({
    accountId: TWO_REGIONS, externalId: twoRegions.externalId!, roleName, productArns: [partner.productArn, secondProductArn],
    principals: { delivery: stack.brokerPrincipalArn, verifier: stack.verifierPrincipalArn },
  }));
  await stack.registry.putRegistration({ ...twoRegions, regions: [region(), SECOND_REGION] });
  await addCustomer(stack, partner, { accountId: SUSPENDED, status: 'SUSPENDED' });
  await addCustomer(stack, partner, { accountId: OFFBOARDED, status: 'OFFBOARDED' });
  await addCustomer(stack, partner, { accountId: PENDING, status: 'PENDING' });
  await addCustomer(stack, partner, { accountId: UNTRUSTING, trust: 'wrong-external-id' });
});
afterAll(async () => stack?.stop());

const heartbeatsIn = (accountId: string, where = region()) =>
  stack.emulator.state.findings(accountId, where).filter((finding) => finding.GeneratorId === 'securityhub-findings-broker/heartbeat');
const importCalls = (accountId: string, where = region()) =>
  stack.emulator.state.importLog.read(accountId).calls.filter((call) => call.region === where);
const registrationOf = async (accountId: string) => (await stack.registry.getRegistration(accountId, partner.productKey))!;
const DESTINATIONS: Array<[string, string]> = [[ACTIVE, 'us-east-1'], [TWO_REGIONS, 'us-east-1'], [TWO_REGIONS, SECOND_REGION]];

describe('a heartbeat round on the local stack', () => {
  // First, while no round has acted as the delivery principal yet (its session is cached afterwards).
  it('fails without sending anything, or blaming any customer, when the broker cannot act as the delivery principal', async () => {
    stack.emulator.state.injectFault({ operation: 'AssumeRole', roleArn: LOCAL_BROKER.principalArn, kind: 'access-denied', times: 1 });

    await expect(stack.heartbeat()).rejects.toThrow(/cannot act as the delivery principal/);

    for (const [accountId, where] of DESTINATIONS) expect(heartbeatsIn(accountId, where)).toEqual([]);
    expect((await registrationOf(UNTRUSTING)).accessFailures).toBeUndefined();
    expect((await registrationOf(UNTRUSTING)).status).toBe('ACTIVE');
  });

  it('imports exactly one heartbeat per ACTIVE registration and Region, in one import call each, and none for suspended, offboarded or pending ones', async () => {
    stack.emulator.state.resetCounters();
    const at = stack.emulator.state.clock.now();

    const report = await stack.heartbeat();

    expect(report).toMatchObject({ destinations: 4, sent: 3, skipped: 0, unrecorded: 0 });
    for (const [accountId, where] of DESTINATIONS) {
      const [heartbeat, ...more] = heartbeatsIn(accountId, where);
      expect(more).toEqual([]);
      expect(heartbeat).toMatchObject({
        Id: heartbeatId(partner.productKey, accountId, where),
        AwsAccountId: accountId,
        ProductArn: where === SECOND_REGION ? secondProductArn : partner.productArn,
        FindingProviderFields: { Types: [HEARTBEAT_TYPE], Severity: { Label: 'INFORMATIONAL' } },
      });
      expect(Date.parse(String(heartbeat!.UpdatedAt))).toBeGreaterThanOrEqual(at);
      expect(importCalls(accountId, where)).toEqual([expect.objectContaining({ findings: 1, stored: 1 })]);
    }
    for (const accountId of [SUSPENDED, OFFBOARDED, PENDING, UNTRUSTING]) {
      expect(stack.emulator.state.findings(accountId, region())).toEqual([]);
      expect(stack.emulator.state.importLog.read(accountId).calls).toEqual([]);
    }
  });

  it('records the refused heartbeat on the registration whose role does not trust the broker, as a refused delivery would be', async () => {
    const registration = await registrationOf(UNTRUSTING);
    expect(registration.status).toBe('ACTIVE');
    expect(registration.accessFailures).toMatchObject({ code: 'AssumeRoleDenied', count: 1, region: region() });
    expect(registration.accessFailures!.message).toMatch(/ExternalId|trust/i);
    for (const accountId of [ACTIVE, TWO_REGIONS]) expect((await registrationOf(accountId)).accessFailures).toBeUndefined();
  });

  it('spends the same per-account quota buckets deliver paces with', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: region(), endpoint: stack.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const states = new DynamoQuotaStates(documents, stack.tableName);
    for (const [accountId, where] of DESTINATIONS) {
      expect(await states.load(quotaKeyOf('cross-account-role', accountId, where))).toMatchObject({ tokens: expect.any(Number), rate: expect.any(Number) });
    }
    expect(await states.load(quotaKeyOf('cross-account-role', SUSPENDED, region()))).toBeUndefined();
    documents.destroy();
  });

  it('five minutes later (emulator clock), updates the same finding per destination: same Id, later UpdatedAt, still one', async () => {
    const before = new Map(DESTINATIONS.map(([accountId, where]) => [`${accountId}|${where}`, heartbeatsIn(accountId, where)[0]!]));
    stack.emulator.state.resetCounters();
    stack.emulator.state.advanceClock(300_000);

    const report = await stack.heartbeat();

    expect(report).toMatchObject({ destinations: 4, sent: 3, skipped: 0 });
    // Where and why, by code: nothing of the finding or the credentials.
    expect(report.failed).toEqual([{ accountId: UNTRUSTING, region: region(), productKey: partner.productKey, code: 'AssumeRoleDenied' }]);
    for (const [accountId, where] of DESTINATIONS) {
      const earlier = before.get(`${accountId}|${where}`)!;
      const [heartbeat, ...more] = heartbeatsIn(accountId, where);
      expect(more).toEqual([]);
      expect(heartbeat!.Id).toBe(earlier.Id);
      expect(Date.parse(String(heartbeat!.UpdatedAt)) - Date.parse(String(earlier.UpdatedAt))).toBeGreaterThanOrEqual(300_000);
      // Security Hub stored it as an update: a later UpdatedAt (emulator/finding-store.ts).
      expect(importCalls(accountId, where)).toEqual([expect.objectContaining({ findings: 1, stored: 1 })]);
    }
    // A second refusal is counted; suspension needs SUSPENSION_POLICY's three.
    expect((await registrationOf(UNTRUSTING)).accessFailures).toMatchObject({ code: 'AssumeRoleDenied', count: 2 });
    expect((await registrationOf(UNTRUSTING)).status).toBe('ACTIVE');
  });

  it('never dead-letters a heartbeat', async () => {
    expect(await deadLetters(stack)).toEqual([]);
  });
});
