import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { EnableImportFindingsForProductCommand, EnableSecurityHubCommand, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.js';
import { signedFetch } from '#infra/local/signed-fetch.js';
import { addPartner, findingsFor, postFindings, startBroker, type TestPartner } from '../support/local-broker.js';
import { customerAccount, type CustomerAccount } from '../support/customer-account.js';

let stack: LocalStack;
let partner: TestPartner;
let accounts = 0;
const opened: CustomerAccount[] = [];

beforeAll(async () => {
  // Deliver suspends after 3 refused deliveries, at once (the deployed default also waits 5 minutes).
  stack = await startBroker({ suspendAfter: { failures: 3, seconds: 0 } });
  partner = await addPartner(stack, 'acme');
}, 60_000);
afterAll(async () => {
  for (const account of opened) account.close();
  await stack?.stop();
});

/** A fresh customer account per test: nothing one test does can make another pass. */
function newCustomer(): CustomerAccount {
  const account = customerAccount(stack, `4000000000${String(++accounts).padStart(2, '0')}`);
  opened.push(account);
  return account;
}

interface Setup {
  externalId: string;
  roleName: string;
  trustPolicy: { Statement: Array<Record<string, any>> };
  permissionsPolicy: { Statement: Array<Record<string, any>> };
  cliCommands: string[];
}

async function register(customer: CustomerAccount): Promise<Setup> {
  const created = await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.setup as Setup;
}

/** What the customer's engineer does with the setup: the role from its two documents, Security Hub and the integration on. */
async function buildRole(customer: CustomerAccount, setup: Setup, changes: { trust?: object; permissions?: object; hub?: boolean; integration?: boolean } = {}): Promise<string> {
  const { Role } = await customer.iam.send(new CreateRoleCommand({
    RoleName: setup.roleName, MaxSessionDuration: 3600, AssumeRolePolicyDocument: JSON.stringify(changes.trust ?? setup.trustPolicy),
  }));
  await customer.iam.send(new PutRolePolicyCommand({
    RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport', PolicyDocument: JSON.stringify(changes.permissions ?? setup.permissionsPolicy),
  }));
  if (changes.hub !== false) await customer.securityHub.send(new EnableSecurityHubCommand({}));
  if (changes.hub !== false && changes.integration !== false) {
    await customer.securityHub.send(new EnableImportFindingsForProductCommand({ ProductArn: partner.productArn }));
  }
  return Role!.Arn!;
}

const path = () => `/v1/registrations/${partner.productKey}`;
const problemCodes = (view: any): string[] => view.problems.map((problem: { code: string }) => problem.code);

describe('a customer onboards itself over the SigV4-signed API', () => {
  it('lists products, registers, builds the role from the reply, sets it, is verified ACTIVE, and then receives a partner finding', async () => {
    const customer = newCustomer();
    const products = await customer.call('GET', '/v1/products');
    expect(products.status).toBe(200);
    expect(products.body.products).toContainEqual(expect.objectContaining({
      productKey: partner.productKey, partnerName: partner.partnerId, productArns: { [stack.region]: partner.productArn },
    }));
    expect(products.body.products[0]).not.toHaveProperty('partnerId');

    const created = await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] });
    expect(created.status).toBe(201);
    const { registration, setup } = created.body;
    expect(registration).toMatchObject({ accountId: customer.accountId, status: 'PENDING', roleArn: null, createdBy: `arn:aws:iam::${customer.accountId}:user/cloud-engineer` });
    expect(setup.externalId).toMatch(/^[\w+=,.@:/-]{22,1224}$/);
    expect(setup.principals).toEqual({ delivery: stack.brokerPrincipalArn, verifier: stack.verifierPrincipalArn });
    expect(setup.trustPolicy.Statement[0].Condition).toEqual({ StringEquals: { 'sts:ExternalId': setup.externalId } });
    expect(setup.permissionsPolicy.Statement.map((s: { Action: string }) => s.Action).sort())
      .toEqual(['securityhub:BatchImportFindings', 'securityhub:DescribeHub', 'securityhub:ListEnabledProductsForImport']);
    expect(setup.cloudFormation.template).toContain('AWS::IAM::Role');
    expect(setup.cloudFormation.parameters).toMatchObject({ ExternalId: setup.externalId, BrokerPrincipalArn: stack.brokerPrincipalArn });
    expect(setup.cliCommands[0]).toMatch(/^aws iam create-role --role-name SecurityHubFindingsBroker-/);
    expect(registration).not.toHaveProperty('version');
    expect(registration).not.toHaveProperty('partnerId');

    const roleArn = await buildRole(customer, setup);
    const verified = await customer.call('PUT', `${path()}/role`, { roleArn });
    expect(verified.status, JSON.stringify(verified.body.problems)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'ACTIVE', roleArn, problems: [] });
    expect(verified.body.verification.checks.map((c: { check: string; outcome: string }) => `${c.check}:${c.outcome}`)).toEqual([
      'assumeRoleWithExternalId:passed', 'assumeRoleWithoutExternalId:passed', 'externalIdEnforced:passed',
      'securityHubEnabled:passed', 'productSubscribed:passed', 'importAllowed:passed',
    ]);

    const [finding] = findingsFor(partner, customer.accountId, 1, 'onboarded');
    const posted = await postFindings(stack, partner.token, { Findings: [finding] });
    expect(posted.status).toBe(202);
    await expect.poll(async () => {
      const { Findings = [] } = await customer.securityHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: 'onboarded-0', Comparison: 'EQUALS' }] } }));
      return Findings.length;
    }, { timeout: 15_000, interval: 200 }).toBe(1);
  }, 60_000);

  it('answers a second create for the same product with 409 and the one existing ExternalId', async () => {
    const customer = newCustomer();
    const setup = await register(customer);
    const again = await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('RegistrationExists');
    expect(again.body.registration.externalId).toBe(setup.externalId);
  }, 30_000);

  it('issues one ExternalId when the same registration is created five times at once', async () => {
    const customer = newCustomer();
    const replies = await Promise.all(Array.from({ length: 5 }, () => customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const ids = new Set(replies.map((r) => r.body.setup?.externalId ?? r.body.registration.externalId));
    expect(ids.size).toBe(1);
  }, 30_000);

  it('refuses a body that names its own ExternalId, and explains why', async () => {
    const customer = newCustomer();
    const reply = await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region], externalId: 'my-own-choice' });
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
    const customer = newCustomer();
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
    const customer = newCustomer();
    await register(customer);
    const reply = await customer.call('PUT', `${path()}/role`, { roleArn: roleArn(customer.accountId) });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
    expect((await customer.call('GET', path())).body.roleArn).toBeNull();
  });
});

interface BrokenSetup {
  what: string;
  code: string;
  message: RegExp;
  build: (customer: CustomerAccount, setup: Setup) => Promise<string>;
  fix: (customer: CustomerAccount, setup: Setup) => Promise<void>;
}

const roleArnOf = (customer: CustomerAccount, setup: Setup) => `arn:aws:iam::${customer.accountId}:role/${setup.roleName}`;
const withTrust = (setup: Setup, change: (statement: Record<string, any>) => void) => {
  const trust = structuredClone(setup.trustPolicy);
  change(trust.Statement[0]!);
  return trust;
};
const restoreTrust = async (customer: CustomerAccount, setup: Setup) => {
  await customer.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: setup.roleName, PolicyDocument: JSON.stringify(setup.trustPolicy) }));
};
const restorePermissions = async (customer: CustomerAccount, setup: Setup) => {
  await customer.iam.send(new PutRolePolicyCommand({ RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport', PolicyDocument: JSON.stringify(setup.permissionsPolicy) }));
};
const withoutAction = (setup: Setup, action: string) => ({
  ...setup.permissionsPolicy, Statement: setup.permissionsPolicy.Statement.filter((statement) => statement.Action !== action),
});

const BROKEN: BrokenSetup[] = [
  {
    what: 'the role does not exist', code: 'RoleNotAssumable', message: /does not exist.*aws iam get-role --role-name/,
    build: async (customer, setup) => roleArnOf(customer, setup),
    fix: async (customer, setup) => void (await buildRole(customer, setup)),
  },
  {
    what: "the role does not trust the broker's principals", code: 'RoleNotAssumable', message: /does not name both broker principals/,
    build: (customer, setup) => buildRole(customer, setup, { trust: withTrust(setup, (s) => { s.Principal = { AWS: 'arn:aws:iam::123456789012:role/SomeoneElse' }; }) }),
    fix: restoreTrust,
  },
  {
    what: 'the ExternalId condition holds another value', code: 'RoleNotAssumable', message: /sts:ExternalId condition has another value/,
    build: (customer, setup) => buildRole(customer, setup, { trust: withTrust(setup, (s) => { s.Condition = { StringEquals: { 'sts:ExternalId': 'some-other-external-id' } }; }) }),
    fix: restoreTrust,
  },
  {
    what: 'the role trusts the broker without an ExternalId condition', code: 'RoleTrustsWithoutExternalId', message: /without any ExternalId.*confused-deputy/,
    build: (customer, setup) => buildRole(customer, setup, { trust: withTrust(setup, (s) => { delete s.Condition; }) }),
    fix: restoreTrust,
  },
  {
    what: 'the ExternalId condition matches any value', code: 'ExternalIdNotEnforced', message: /does not pin the issued value/,
    build: (customer, setup) => buildRole(customer, setup, { trust: withTrust(setup, (s) => { s.Condition = { StringLike: { 'sts:ExternalId': '*' } }; }) }),
    fix: restoreTrust,
  },
  {
    what: 'Security Hub is not enabled in the Region', code: 'SecurityHubNotEnabled', message: /`aws securityhub enable-security-hub --region us-east-1`/,
    build: (customer, setup) => buildRole(customer, setup, { hub: false }),
    fix: async (customer) => {
      await customer.securityHub.send(new EnableSecurityHubCommand({}));
      await customer.securityHub.send(new EnableImportFindingsForProductCommand({ ProductArn: partner.productArn }));
    },
  },
  {
    what: 'the product integration is not enabled in the Region', code: 'ProductNotSubscribed',
    message: /`aws securityhub enable-import-findings-for-product --product-arn arn:aws:securityhub:us-east-1:111111111111:product\/acme\/scanner --region us-east-1`/,
    build: (customer, setup) => buildRole(customer, setup, { integration: false }),
    fix: async (customer) => void (await customer.securityHub.send(new EnableImportFindingsForProductCommand({ ProductArn: partner.productArn }))),
  },
  {
    what: 'the role lacks securityhub:BatchImportFindings', code: 'ImportAccessDenied',
    message: /may not call securityhub:BatchImportFindings.*\{"Effect":"Allow","Action":"securityhub:BatchImportFindings","Resource":\[.*product-subscription\/acme\/scanner/,
    build: (customer, setup) => buildRole(customer, setup, { permissions: withoutAction(setup, 'securityhub:BatchImportFindings') }),
    fix: restorePermissions,
  },
  {
    what: 'the role lacks securityhub:DescribeHub', code: 'RoleCannotDescribeHub', message: /"Action":"securityhub:DescribeHub"/,
    build: (customer, setup) => buildRole(customer, setup, { permissions: withoutAction(setup, 'securityhub:DescribeHub') }),
    fix: restorePermissions,
  },
  {
    what: 'the role lacks securityhub:ListEnabledProductsForImport', code: 'RoleCannotListProductSubscriptions', message: /"Action":"securityhub:ListEnabledProductsForImport"/,
    build: (customer, setup) => buildRole(customer, setup, { permissions: withoutAction(setup, 'securityhub:ListEnabledProductsForImport') }),
    fix: restorePermissions,
  },
  {
    what: "an SCP of the customer's organization denies the import", code: 'DeniedByServiceControlPolicy', message: /service control policy.*Organizations administrator/,
    build: async (customer, setup) => {
      stack.emulator.state.attachServiceControlPolicy(customer.accountId, {
        Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'securityhub:BatchImportFindings', Resource: '*' }],
      });
      return buildRole(customer, setup);
    },
    fix: async (customer) => stack.emulator.state.detachServiceControlPolicies(customer.accountId),
  },
  {
    // RCPs cover STS among few services (Security Hub is not one): an RCP can deny the broker's AssumeRole.
    what: "an RCP of the customer's organization denies the broker's AssumeRole", code: 'DeniedByResourceControlPolicy', message: /resource control policy/,
    build: async (customer, setup) => {
      stack.emulator.state.attachResourceControlPolicy(customer.accountId, {
        Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }],
      });
      return buildRole(customer, setup);
    },
    fix: async (customer) => stack.emulator.state.detachResourceControlPolicies(customer.accountId),
  },
];

describe('verification explains each broken setup and turns ACTIVE once it is fixed', () => {
  it.each(BROKEN)('$what: $code with the fix, then ACTIVE after the fix and a re-verify', async ({ code, message, build, fix }) => {
    const customer = newCustomer();
    const setup = await register(customer);
    const roleArn = await build(customer, setup);
    const refused = await customer.call('PUT', `${path()}/role`, { roleArn });
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('PENDING');
    expect(problemCodes(refused.body)).toContain(code);
    expect(refused.body.problems.find((p: { code: string }) => p.code === code).message).toMatch(message);

    await fix(customer, setup);
    const verified = await customer.call('POST', `${path()}/verify`);
    expect(verified.body.problems).toEqual([]);
    expect(verified.body.status).toBe('ACTIVE');
  }, 30_000);

  it('keeps refusing a role that trusts the broker without an ExternalId on every re-verify until its trust policy is fixed', async () => {
    const customer = newCustomer();
    const setup = await register(customer);
    const roleArn = await buildRole(customer, setup, { trust: withTrust(setup, (s) => { delete s.Condition; }) });
    await customer.call('PUT', `${path()}/role`, { roleArn });
    for (let i = 0; i < 2; i++) {
      const again = await customer.call('POST', `${path()}/verify`);
      expect(again.body.status).toBe('PENDING');
      expect(problemCodes(again.body)).toEqual(['RoleTrustsWithoutExternalId']);
    }
    // Findings for it are refused at ingest meanwhile.
    const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, customer.accountId, 1) });
    expect(posted.body.accepted).toBe(0);
    await restoreTrust(customer, setup);
    expect((await customer.call('POST', `${path()}/verify`)).body.status).toBe('ACTIVE');
  }, 30_000);

  it('suspends an ACTIVE registration whose re-verify fails, and shows why', async () => {
    const customer = newCustomer();
    const setup = await register(customer);
    await customer.call('PUT', `${path()}/role`, { roleArn: await buildRole(customer, setup) });
    await customer.iam.send(new DeleteRolePolicyCommand({ RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport' }));
    await customer.iam.send(new DeleteRoleCommand({ RoleName: setup.roleName }));
    const suspended = (await customer.call('POST', `${path()}/verify`)).body;
    expect(suspended.status).toBe('SUSPENDED');
    expect(problemCodes(suspended)).toContain('RoleNotAssumable');
    expect(suspended.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PENDING', 'ACTIVE', 'SUSPENDED']);
    expect(suspended.history.at(-1).by).toBe(`arn:aws:iam::${customer.accountId}:user/cloud-engineer`);
  }, 30_000);
});

describe('when delivery is refused', () => {
  it('records the refusals on the registration, suspends it after the threshold, shows why, and a passing re-verify makes it ACTIVE again', async () => {
    const customer = newCustomer();
    const setup = await register(customer);
    await customer.call('PUT', `${path()}/role`, { roleArn: await buildRole(customer, setup) });
    await customer.iam.send(new DeleteRolePolicyCommand({ RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport' }));
    for (let batch = 1; batch <= 3; batch++) {
      const posted = await postFindings(stack, partner.token, { Findings: findingsFor(partner, customer.accountId, 2, `refused-${batch}`) });
      expect(posted.body.accepted).toBe(2);
      await expect.poll(async () => (await customer.call('GET', path())).body.deliveryProblem?.count, { timeout: 15_000, interval: 200 }).toBe(batch);
      const seen = (await customer.call('GET', path())).body;
      expect(seen.deliveryProblem).toMatchObject({ code: 'ImportAccessDenied', region: stack.region });
      expect(seen.deliveryProblem.message).toMatch(/securityhub:BatchImportFindings/);
      expect(seen.status).toBe(batch < 3 ? 'ACTIVE' : 'SUSPENDED');
    }
    const suspended = (await customer.call('GET', path())).body;
    expect(suspended.history.at(-1)).toMatchObject({ status: 'SUSPENDED', by: 'broker:deliver' });
    expect(suspended.statusReason).toMatch(/Suspended/);
    // Findings for a suspended registration are refused at ingest, with no AssumeRole at all.
    expect((await postFindings(stack, partner.token, { Findings: findingsFor(partner, customer.accountId, 1, 'while-suspended') })).body.accepted).toBe(0);

    await restorePermissions(customer, setup);
    const active = (await customer.call('POST', `${path()}/verify`)).body;
    expect(active).toMatchObject({ status: 'ACTIVE', deliveryProblem: null, problems: [] });
  }, 60_000);
});

describe('who may call', () => {
  it("lets account B neither read, change, verify nor delete account A's registration, without revealing it exists", async () => {
    const a = newCustomer();
    const b = newCustomer();
    const setupA = await register(a);
    await buildRole(a, setupA);
    for (const [method, suffix, body] of [
      ['GET', '', undefined], ['PUT', '/role', { roleArn: `arn:aws:iam::${a.accountId}:role/${setupA.roleName}` }], ['POST', '/verify', undefined], ['DELETE', '', undefined],
    ] as const) {
      const reply = await b.call(method, `${path()}${suffix}`, body);
      expect(reply.status, `${method} ${suffix}`).toBe(404);
      expect(JSON.stringify(reply.body)).not.toContain(setupA.externalId);
    }
    expect((await b.call('GET', '/v1/registrations')).body.registrations).toEqual([]);
    expect((await a.call('GET', path())).body).toMatchObject({ status: 'PENDING', roleArn: null });
  }, 30_000);

  it('answers an unsigned request and a badly signed one with 403 and API Gateway\'s messages', async () => {
    const unsigned = await fetch(`${stack.apiUrl}/v1/registrations`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
    const customer = newCustomer();
    const wrongSecret = await signedFetch(`${stack.apiUrl}/v1/registrations`, {
      method: 'GET', region: stack.region, credentials: { ...customer.credentials, secretAccessKey: 'not-the-secret' },
    });
    expect(wrongSecret.status).toBe(403);
    expect(((await wrongSecret.json()) as { message: string }).message).toMatch(/^The request signature we calculated does not match/);
    const partnerToken = await fetch(`${stack.apiUrl}/v1/registrations`, { headers: { authorization: `Bearer ${partner.token}` } });
    expect(partnerToken.status).toBe(403);
  });
});

describe('concurrent changes', () => {
  it('never resurrects a registration when verifications race an offboard, and records every change it kept', async () => {
    for (let round = 0; round < 3; round++) {
      const customer = newCustomer();
      const setup = await register(customer);
      await customer.call('PUT', `${path()}/role`, { roleArn: await buildRole(customer, setup) });
      const replies = await Promise.all([
        customer.call('POST', `${path()}/verify`), customer.call('DELETE', path()), customer.call('POST', `${path()}/verify`),
      ]);
      expect(replies.map((reply) => reply.status).every((status) => [200, 409].includes(status))).toBe(true);
      const final = (await customer.call('GET', path())).body;
      expect(final.status).toBe('OFFBOARDED');
      expect(final.history.at(-1)).toMatchObject({ status: 'OFFBOARDED' });
      expect(final.history.filter((change: { status: string }) => change.status === 'OFFBOARDED')).toHaveLength(1);
    }
  }, 60_000);

  it('keeps both of two simultaneous verifications or answers the loser 409, never a half-written record', async () => {
    const customer = newCustomer();
    const setup = await register(customer);
    await customer.call('PUT', `${path()}/role`, { roleArn: await buildRole(customer, setup) });
    const before = (await customer.call('GET', path())).body.history.length;
    const replies = await Promise.all([customer.call('POST', `${path()}/verify`), customer.call('POST', `${path()}/verify`)]);
    expect(replies.map((reply) => reply.status).every((status) => [200, 409].includes(status))).toBe(true);
    const final = (await customer.call('GET', path())).body;
    expect(final).toMatchObject({ status: 'ACTIVE', problems: [] });
    expect(final.history.length - before).toBe(replies.filter((reply) => reply.status === 200).length);
  }, 30_000);
});

describe('offboarding', () => {
  it('offboards at once: new findings are refused, queued ones are dead-lettered RegistrationOffboarded, and the record stays with who and when', async () => {
    const customer = newCustomer();
    const setup = await register(customer);
    await customer.call('PUT', `${path()}/role`, { roleArn: await buildRole(customer, setup) });
    await stack.poller.stop();
    const queued = await postFindings(stack, partner.token, { Findings: findingsFor(partner, customer.accountId, 3, 'queued') });
    expect(queued.body.accepted).toBe(3);
    const offboarded = await customer.call('DELETE', path());
    expect(offboarded.status).toBe(200);
    expect(offboarded.body.status).toBe('OFFBOARDED');
    expect(offboarded.body.history.at(-1)).toMatchObject({ status: 'OFFBOARDED', by: `arn:aws:iam::${customer.accountId}:user/cloud-engineer` });
    stack.poller.start();
    const refused = await postFindings(stack, partner.token, { Findings: findingsFor(partner, customer.accountId, 1, 'late') });
    expect(refused.body.accepted).toBe(0);
    const { deadLetters } = await import('../support/local-broker.js');
    await expect.poll(async () => (await deadLetters(stack))
      .filter((letter) => letter.attributes.AwsAccountId === customer.accountId && letter.attributes.ErrorCode === 'RegistrationOffboarded')
      .reduce((sum, letter) => sum + letter.findings.length, 0), { timeout: 15_000, interval: 300 }).toBe(3);
    // Offboarded is final: no verify, no new role, no re-create brings it back.
    expect((await customer.call('POST', `${path()}/verify`)).status).toBe(409);
    expect((await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] })).body.registration.status).toBe('OFFBOARDED');
    expect((await customer.call('GET', path())).body.status).toBe('OFFBOARDED');
  }, 60_000);
});
