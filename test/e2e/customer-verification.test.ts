import { DeleteRoleCommand, DeleteRolePolicyCommand } from '@aws-sdk/client-iam';
import { EnableImportFindingsForProductCommand, EnableSecurityHubCommand } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { findingsFor, postFindings } from '../support/local-broker.js';
import type { CustomerAccount } from '../support/customer-account.js';
import { onboardingKit, type Setup } from '../support/onboarding-kit.js';

const kit = onboardingKit('4100');

interface BrokenSetup {
  what: string;
  code: string;
  message: RegExp;
  build: (customer: CustomerAccount, setup: Setup) => Promise<string>;
  fix: (customer: CustomerAccount, setup: Setup) => Promise<void>;
}

const roleArnOf = (customer: CustomerAccount, setup: Setup) => `arn:aws:iam::${customer.accountId}:role/${setup.roleName}`;

const BROKEN: BrokenSetup[] = [
  {
    what: 'the role does not exist', code: 'RoleNotAssumable', message: /does not exist.*aws iam get-role --role-name/,
    build: async (customer, setup) => roleArnOf(customer, setup),
    fix: async (customer, setup) => void (await kit.buildRole(customer, setup)),
  },
  {
    what: "the role does not trust the broker's principals", code: 'RoleNotAssumable', message: /does not name both broker principals/,
    build: (customer, setup) => kit.buildRole(customer, setup, { trust: kit.withTrust(setup, (s) => { s.Principal = { AWS: 'arn:aws:iam::123456789012:role/SomeoneElse' }; }) }),
    fix: (customer, setup) => kit.restoreTrust(customer, setup),
  },
  {
    what: 'the ExternalId condition holds another value', code: 'RoleNotAssumable', message: /sts:ExternalId condition has another value/,
    build: (customer, setup) => kit.buildRole(customer, setup, { trust: kit.withTrust(setup, (s) => { s.Condition = { StringEquals: { 'sts:ExternalId': 'some-other-external-id' } }; }) }),
    fix: (customer, setup) => kit.restoreTrust(customer, setup),
  },
  {
    what: 'the role trusts the broker without an ExternalId condition', code: 'RoleTrustsWithoutExternalId', message: /without any ExternalId.*confused-deputy/,
    build: (customer, setup) => kit.buildRole(customer, setup, { trust: kit.withTrust(setup, (s) => { delete s.Condition; }) }),
    fix: (customer, setup) => kit.restoreTrust(customer, setup),
  },
  {
    what: 'the ExternalId condition matches any value', code: 'ExternalIdNotEnforced', message: /does not pin the issued value/,
    build: (customer, setup) => kit.buildRole(customer, setup, { trust: kit.withTrust(setup, (s) => { s.Condition = { StringLike: { 'sts:ExternalId': '*' } }; }) }),
    fix: (customer, setup) => kit.restoreTrust(customer, setup),
  },
  {
    what: 'Security Hub is not enabled in the Region', code: 'SecurityHubNotEnabled', message: /`aws securityhub enable-security-hub --region us-east-1`/,
    build: (customer, setup) => kit.buildRole(customer, setup, { hub: false }),
    fix: async (customer) => {
      await customer.securityHub.send(new EnableSecurityHubCommand({}));
      await customer.securityHub.send(new EnableImportFindingsForProductCommand({ ProductArn: kit.partner.productArn }));
    },
  },
  {
    what: 'the product integration is not enabled in the Region', code: 'ProductNotSubscribed',
    message: /`aws securityhub enable-import-findings-for-product --product-arn arn:aws:securityhub:us-east-1:111111111111:product\/acme\/scanner --region us-east-1`/,
    build: (customer, setup) => kit.buildRole(customer, setup, { integration: false }),
    fix: async (customer) => void (await customer.securityHub.send(new EnableImportFindingsForProductCommand({ ProductArn: kit.partner.productArn }))),
  },
  {
    what: 'the role lacks securityhub:BatchImportFindings', code: 'ImportAccessDenied',
    message: /may not call securityhub:BatchImportFindings.*\{"Effect":"Allow","Action":"securityhub:BatchImportFindings","Resource":\[.*product-subscription\/acme\/scanner/,
    build: (customer, setup) => kit.buildRole(customer, setup, { permissions: kit.withoutAction(setup, 'securityhub:BatchImportFindings') }),
    fix: (customer, setup) => kit.restorePermissions(customer, setup),
  },
  {
    what: 'the role lacks securityhub:DescribeHub', code: 'RoleCannotDescribeHub', message: /"Action":"securityhub:DescribeHub"/,
    build: (customer, setup) => kit.buildRole(customer, setup, { permissions: kit.withoutAction(setup, 'securityhub:DescribeHub') }),
    fix: (customer, setup) => kit.restorePermissions(customer, setup),
  },
  {
    what: 'the role lacks securityhub:ListEnabledProductsForImport', code: 'RoleCannotListProductSubscriptions', message: /"Action":"securityhub:ListEnabledProductsForImport"/,
    build: (customer, setup) => kit.buildRole(customer, setup, { permissions: kit.withoutAction(setup, 'securityhub:ListEnabledProductsForImport') }),
    fix: (customer, setup) => kit.restorePermissions(customer, setup),
  },
  {
    what: "an SCP of the customer's organization denies the import", code: 'DeniedByServiceControlPolicy', message: /service control policy.*Organizations administrator/,
    build: async (customer, setup) => {
      kit.stack.emulator.state.attachServiceControlPolicy(customer.accountId, {
        Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'securityhub:BatchImportFindings', Resource: '*' }],
      });
      return kit.buildRole(customer, setup);
    },
    fix: async (customer) => kit.stack.emulator.state.detachServiceControlPolicies(customer.accountId),
  },
  {
    // RCPs cover STS among few services (Security Hub is not one): an RCP can deny the broker's AssumeRole.
    what: "an RCP of the customer's organization denies the broker's AssumeRole", code: 'DeniedByResourceControlPolicy', message: /resource control policy/,
    build: async (customer, setup) => {
      kit.stack.emulator.state.attachResourceControlPolicy(customer.accountId, {
        Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }],
      });
      return kit.buildRole(customer, setup);
    },
    fix: async (customer) => kit.stack.emulator.state.detachResourceControlPolicies(customer.accountId),
  },
];

describe('verification explains each broken setup and turns ACTIVE once it is fixed', () => {
  it.each(BROKEN)('$what: $code with the fix, then ACTIVE after the fix and a re-verify', async ({ code, message, build, fix }) => {
    const customer = kit.newCustomer();
    const setup = await kit.register(customer);
    const roleArn = await build(customer, setup);
    const refused = await customer.call('PUT', `${kit.path()}/role`, { roleArn });
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('PENDING');
    expect(kit.problemCodes(refused.body)).toContain(code);
    expect(refused.body.problems.find((p: { code: string }) => p.code === code).message).toMatch(message);

    await fix(customer, setup);
    const verified = await customer.call('POST', `${kit.path()}/verify`);
    expect(verified.body.problems).toEqual([]);
    expect(verified.body.status).toBe('ACTIVE');
  }, 30_000);

  it('keeps refusing a role that trusts the broker without an ExternalId on every re-verify until its trust policy is fixed', async () => {
    const customer = kit.newCustomer();
    const setup = await kit.register(customer);
    const roleArn = await kit.buildRole(customer, setup, { trust: kit.withTrust(setup, (s) => { delete s.Condition; }) });
    await customer.call('PUT', `${kit.path()}/role`, { roleArn });
    for (let i = 0; i < 2; i++) {
      const again = await customer.call('POST', `${kit.path()}/verify`);
      expect(again.body.status).toBe('PENDING');
      expect(kit.problemCodes(again.body)).toEqual(['RoleTrustsWithoutExternalId']);
    }
    // Findings for it are refused at ingest meanwhile.
    const posted = await postFindings(kit.stack, kit.partner.token, { Findings: findingsFor(kit.partner, customer.accountId, 1) });
    expect(posted.body.accepted).toBe(0);
    await kit.restoreTrust(customer, setup);
    expect((await customer.call('POST', `${kit.path()}/verify`)).body.status).toBe('ACTIVE');
  }, 30_000);

  it('suspends an ACTIVE registration whose re-verify fails, and shows why', async () => {
    const customer = kit.newCustomer();
    const setup = await kit.register(customer);
    await customer.call('PUT', `${kit.path()}/role`, { roleArn: await kit.buildRole(customer, setup) });
    await customer.iam.send(new DeleteRolePolicyCommand({ RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport' }));
    await customer.iam.send(new DeleteRoleCommand({ RoleName: setup.roleName }));
    const suspended = (await customer.call('POST', `${kit.path()}/verify`)).body;
    expect(suspended.status).toBe('SUSPENDED');
    expect(kit.problemCodes(suspended)).toContain('RoleNotAssumable');
    expect(suspended.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PENDING', 'ACTIVE', 'SUSPENDED']);
    expect(suspended.history.at(-1).by).toBe(`arn:aws:iam::${customer.accountId}:user/cloud-engineer`);
  }, 30_000);
});

