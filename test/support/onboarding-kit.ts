import { CreateRoleCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { EnableImportFindingsForProductCommand, EnableSecurityHubCommand } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LocalStack, LocalStackOptions } from '#infra/local/stack.js';
import { addPartner, startBroker, type TestPartner } from './local-broker.js';
import { customerAccount, type CustomerAccount } from './customer-account.js';

/** The parts of a registration's setup the tests use. */
export interface Setup {
  externalId: string;
  roleName: string;
  trustPolicy: { Statement: Array<Record<string, any>> };
  permissionsPolicy: { Statement: Array<Record<string, any>> };
  cliCommands: string[];
}

export interface RoleChanges {
  trust?: object;
  permissions?: object;
  hub?: boolean;
  integration?: boolean;
}

/**
 * A local broker with partner `acme` for a test file (started in beforeAll, stopped in afterAll), and
 * the steps a customer's engineer takes, as the onboarding e2e tests share them. Account ids start at
 * `accountBase` so files never share a customer.
 */
export function onboardingKit(accountBase: string, options: LocalStackOptions = {}) {
  let stack: LocalStack;
  let partner: TestPartner;
  let accounts = 0;
  const opened: CustomerAccount[] = [];
  beforeAll(async () => {
    stack = await startBroker(options);
    partner = await addPartner(stack, 'acme');
  }, 60_000);
  afterAll(async () => {
    for (const account of opened) account.close();
    await stack?.stop();
  });

  const kit = {
    get stack() { return stack; },
    get partner() { return partner; },
    /** A fresh customer account per test: nothing one test does can make another pass. */
    newCustomer(): CustomerAccount {
      const account = customerAccount(stack, `${accountBase}${String(++accounts).padStart(12 - accountBase.length, '0')}`);
      opened.push(account);
      return account;
    },
    async register(customer: CustomerAccount): Promise<Setup> {
      const created = await customer.call('POST', '/v1/registrations', { product: partner.productKey, regions: [stack.region] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.setup as Setup;
    },
    /** What the customer's engineer does with the setup: the role from its two documents, Security Hub and the integration on. */
    async buildRole(customer: CustomerAccount, setup: Setup, changes: RoleChanges = {}): Promise<string> {
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
    },
    /** Registered, role built from the setup, set and verified ACTIVE. */
    async onboarded(customer: CustomerAccount): Promise<Setup> {
      const setup = await kit.register(customer);
      const set = await customer.call('PUT', `${kit.path()}/role`, { roleArn: await kit.buildRole(customer, setup) });
      expect(set.body.status).toBe('ACTIVE');
      return setup;
    },
    path: () => `/v1/registrations/${partner.productKey}`,
    problemCodes: (view: any): string[] => view.problems.map((problem: { code: string }) => problem.code),
    withTrust(setup: Setup, change: (statement: Record<string, any>) => void) {
      const trust = structuredClone(setup.trustPolicy);
      change(trust.Statement[0]!);
      return trust;
    },
    async restoreTrust(customer: CustomerAccount, setup: Setup): Promise<void> {
      await customer.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: setup.roleName, PolicyDocument: JSON.stringify(setup.trustPolicy) }));
    },
    async restorePermissions(customer: CustomerAccount, setup: Setup): Promise<void> {
      await customer.iam.send(new PutRolePolicyCommand({ RoleName: setup.roleName, PolicyName: 'SecurityHubFindingsBrokerImport', PolicyDocument: JSON.stringify(setup.permissionsPolicy) }));
    },
    withoutAction: (setup: Setup, action: string) => ({
      ...setup.permissionsPolicy, Statement: setup.permissionsPolicy.Statement.filter((statement) => statement.Action !== action),
    }),
  };
  return kit;
}
