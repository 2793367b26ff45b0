import { EnableImportFindingsForProductCommand, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { signedFetch } from '#infra/local/signed-fetch.js';
import { findingsFor, postFindings } from '../support/local-broker.js';
import { onboardingKit } from '../support/onboarding-kit.js';

const kit = onboardingKit('4000');

describe('a customer onboards itself over the SigV4-signed API', () => {
  it('lists products, registers, builds the role from the reply, sets it, is verified ACTIVE, and then receives a partner finding', async () => {
    const customer = kit.newCustomer();
    const products = await customer.call('GET', '/v1/products');
    expect(products.status).toBe(200);
    expect(products.body.products).toContainEqual(expect.objectContaining({
      productKey: kit.partner.productKey, partnerName: kit.partner.partnerId, productArns: { [kit.stack.region]: kit.partner.productArn },
    }));
    expect(products.body.products[0]).not.toHaveProperty('partnerId');

    const created = await customer.call('POST', '/v1/registrations', { product: kit.partner.productKey, regions: [kit.stack.region] });
    expect(created.status).toBe(201);
    const { registration, setup } = created.body;
    expect(registration).toMatchObject({ accountId: customer.accountId, status: 'PENDING', roleArn: null, createdBy: `arn:aws:iam::${customer.accountId}:user/cloud-engineer` });
    expect(setup.externalId).toMatch(/^[\w+=,.@:/-]{22,1224}$/);
    expect(setup.principals).toEqual({ delivery: kit.stack.brokerPrincipalArn, verifier: kit.stack.verifierPrincipalArn });
    expect(setup.trustPolicy.Statement[0].Condition).toEqual({ StringEquals: { 'sts:ExternalId': setup.externalId } });
    expect(setup.permissionsPolicy.Statement.map((s: { Action: string }) => s.Action).sort())
      .toEqual(['securityhub:BatchImportFindings', 'securityhub:DescribeHub', 'securityhub:ListEnabledProductsForImport']);
    expect(setup.cloudFormation.template).toContain('AWS::IAM::Role');
    expect(setup.cloudFormation.parameters).toMatchObject({ ExternalId: setup.externalId, BrokerPrincipalArn: kit.stack.brokerPrincipalArn });
    expect(setup.cliCommands[0]).toMatch(/^aws iam create-role --role-name SecurityHubFindingsBroker-/);
    expect(registration).not.toHaveProperty('version');
    expect(registration).not.toHaveProperty('partnerId');

    const roleArn = await kit.buildRole(customer, setup);
    const verified = await customer.call('PUT', `${kit.path()}/role`, { roleArn });
    expect(verified.status, JSON.stringify(verified.body.problems)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'ACTIVE', roleArn, problems: [] });
    expect(verified.body.verification.checks.map((c: { check: string; outcome: string }) => `${c.check}:${c.outcome}`)).toEqual([
      'assumeRoleWithExternalId:passed', 'assumeRoleWithoutExternalId:passed', 'externalIdEnforced:passed',
      'securityHubEnabled:passed', 'productSubscribed:passed', 'importAllowed:passed',
    ]);

    const [finding] = findingsFor(kit.partner, customer.accountId, 1, 'onboarded');
    const posted = await postFindings(kit.stack, kit.partner.token, { Findings: [finding] });
    expect(posted.status).toBe(202);
    await expect.poll(async () => {
      const { Findings = [] } = await customer.securityHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: 'onboarded-0', Comparison: 'EQUALS' }] } }));
      return Findings.length;
    }, { timeout: 15_000, interval: 200 }).toBe(1);
  }, 60_000);

  it('answers a second create for the same product with 409 and the one existing ExternalId', async () => {
    const customer = kit.newCustomer();
    const setup = await kit.register(customer);
    const again = await customer.call('POST', '/v1/registrations', { product: kit.partner.productKey, regions: [kit.stack.region] });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('RegistrationExists');
    expect(again.body.registration.externalId).toBe(setup.externalId);
  }, 30_000);

  it('issues one ExternalId when the same registration is created five times at once', async () => {
    const customer = kit.newCustomer();
    const replies = await Promise.all(Array.from({ length: 5 }, () => customer.call('POST', '/v1/registrations', { product: kit.partner.productKey, regions: [kit.stack.region] })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const ids = new Set(replies.map((r) => r.body.setup?.externalId ?? r.body.registration.externalId));
    expect(ids.size).toBe(1);
  }, 30_000);

  it('refuses a body that names its own ExternalId, and explains why', async () => {
    const customer = kit.newCustomer();
    const reply = await customer.call('POST', '/v1/registrations', { product: kit.partner.productKey, regions: [kit.stack.region], externalId: 'my-own-choice' });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('ExternalIdNotAccepted');
  });

  it.each([
    ['not JSON', '{', 'InvalidRequest', /not valid JSON/],
    ['an unknown field', { product: 'acme/scanner', regions: ['us-east-1'], colour: 'red' }, 'InvalidRequest', /unknown field.*"colour"/],
    ['an unknown product', { product: 'nobody/nothing', regions: ['us-east-1'] }, 'UnknownProduct', /GET \/v1\/products/],
    ['a malformed Region', { product: 'acme/scanner', regions: ['mars-1'] }, 'InvalidRequest', /Region name/],
    ['a Region the product is not offered in', { product: 'acme/scanner', regions: ['eu-west-3'] }, 'InvalidRegion', /can be registered in us-east-1/],
    ['another mode', { product: 'acme/scanner', regions: ['us-east-1'], mode: 'partner-account' }, 'UnsupportedMode', /cross-account-role/],
  ])('answers a create with %s with 400 %s that says what to send', async (_what, body, code, message) => {
    const customer = kit.newCustomer();
    const reply = await customer.call('POST', '/v1/registrations', body);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.message).toMatch(message);
  });

  it.each([
    ['a role in another account', (a: string) => `arn:aws:iam::${a === '999999999999' ? '888888888888' : '999999999999'}:role/SecurityHubFindingsBroker-x`, 'RoleInOtherAccount'],
    ['a user ARN', (a: string) => `arn:aws:iam::${a}:user/SecurityHubFindingsBroker-x`, 'InvalidRoleArn'],
    ['not an ARN', () => 'not-an-arn-at-all-really', 'InvalidRoleArn'],
    ['a role without the broker prefix', (a: string) => `arn:aws:iam::${a}:role/AdminRole`, 'RoleNameNotAllowed'],
  ])('refuses %s as the role with 400 %s', async (_what, roleArn, code) => {
    const customer = kit.newCustomer();
    await kit.register(customer);
    const reply = await customer.call('PUT', `${kit.path()}/role`, { roleArn: roleArn(customer.accountId) });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
    expect((await customer.call('GET', kit.path())).body.roleArn).toBeNull();
  });
});

describe('who may call', () => {
  it("lets account B neither read, change, verify nor delete account A's registration, without revealing it exists", async () => {
    const a = kit.newCustomer();
    const b = kit.newCustomer();
    const setupA = await kit.register(a);
    await kit.buildRole(a, setupA);
    for (const [method, suffix, body] of [
      ['GET', '', undefined], ['PUT', '/role', { roleArn: `arn:aws:iam::${a.accountId}:role/${setupA.roleName}` }], ['POST', '/verify', undefined], ['DELETE', '', undefined],
    ] as const) {
      const reply = await b.call(method, `${kit.path()}${suffix}`, body);
      expect(reply.status, `${method} ${suffix}`).toBe(404);
      expect(JSON.stringify(reply.body)).not.toContain(setupA.externalId);
    }
    expect((await b.call('GET', '/v1/registrations')).body.registrations).toEqual([]);
    expect((await a.call('GET', kit.path())).body).toMatchObject({ status: 'PENDING', roleArn: null });
  }, 30_000);

  it('answers an unsigned request and a badly signed one with 403 and API Gateway\'s messages, in the broker\'s error shape', async () => {
    const unsigned = await fetch(`${kit.stack.apiUrl}/v1/registrations`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ error: { code: 'MissingAuthenticationToken', message: 'Missing Authentication Token' } });
    const customer = kit.newCustomer();
    const wrongSecret = await signedFetch(`${kit.stack.apiUrl}/v1/registrations`, {
      method: 'GET', region: kit.stack.region, credentials: { ...customer.credentials, secretAccessKey: 'not-the-secret' },
    });
    expect(wrongSecret.status).toBe(403);
    expect(((await wrongSecret.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'InvalidSignature', message: expect.stringMatching(/^The request signature we calculated does not match/) });
    const partnerToken = await fetch(`${kit.stack.apiUrl}/v1/registrations`, { headers: { authorization: `Bearer ${kit.partner.token}` } });
    expect(partnerToken.status).toBe(403);
  });
});

