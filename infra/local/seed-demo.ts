import { STSClient } from '@aws-sdk/client-sts';
import { issueToken, verifyToken } from '#shared/auth/partner-tokens.js';
import { ConflictError } from '#shared/errors.js';
import { Onboarding } from '#shared/onboarding/registrations.js';
import { permissionsPolicy, trustPolicy, type BrokerPrincipals } from '#shared/onboarding/role-documents.js';
import { verificationSecurityHub, verifyRole } from '#shared/onboarding/verify-role.js';
import { productArn } from '#shared/product/product-arn.js';
import type { Registry } from '#shared/registry/registry.js';
import type { EmulatorState } from '#emulator/index.js';

export const DEMO = {
  partnerId: 'demo-partner',
  partnerName: 'Demo Security Vendor',
  company: 'demo-company',
  product: 'demo-product',
  customerAccountId: '222222222222',
  customerRoleName: 'SecurityHubFindingsBroker-demo-company-demo-product',
  customerUser: { accessKeyId: 'AKIADEMOCUSTOMER0001', secretAccessKey: 'demo-customer-secret-key-for-local-use-only' },
  /** A customer that has not onboarded yet: `npm start` prints how it does, step by step. */
  newCustomerAccountId: '333333333333',
  newCustomerUser: { accessKeyId: 'AKIANEWCUSTOMER00001', secretAccessKey: 'new-customer-secret-key-for-local-use-only' },
} as const;

export interface DemoSeed {
  partnerId: string;
  token: string;
  productArns: string[];
  customerAccountId: string;
  customerRoleArn: string;
  externalId: string;
  customerCredentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Seeds the demo partner and customer: in DynamoDB once (persisted), and in the emulator on every
 * start (idempotent: with a data dir the emulator has kept them, without one it starts empty). The customer onboards as any customer does (shared/onboarding):
 * registration, the role from the setup's own policies, verification; so every `npm start` proves
 * that path. A token from an earlier run is kept when it still verifies, so a restarted `npm start`
 * prints the same token.
 */
export async function seedDemo(input: {
  registry: Registry;
  emulator: EmulatorState;
  region: string;
  partnerAccountId: string;
  principals: BrokerPrincipals;
  customerRoleNamePrefix: string;
  /** STS with the verifier principal's credentials. */
  verifierSts: STSClient;
  /** Where the emulated Security Hub answers. */
  securityHubEndpoint: string;
  sessionName: string;
  previousToken?: string;
}): Promise<DemoSeed> {
  const { registry, emulator, region, partnerAccountId, principals } = input;
  const arn = productArn({ partition: 'aws', region, accountId: partnerAccountId, company: DEMO.company, product: DEMO.product });
  const now = new Date().toISOString();
  const existing = await registry.getPartner(DEMO.partnerId);
  await registry.putPartner({
    partnerId: DEMO.partnerId, name: DEMO.partnerName, createdAt: existing?.createdAt ?? now,
    productArns: [...new Set([...(existing?.productArns ?? []), arn])],
  });
  let token = input.previousToken;
  if (!token || !(await verifyToken(token, registry))) {
    const issued = issueToken(DEMO.partnerId);
    await registry.putToken(issued.record);
    token = issued.token;
  }

  const productKey = `${DEMO.company}/${DEMO.product}`;
  const customerRoleArn = `arn:aws:iam::${DEMO.customerAccountId}:role/${DEMO.customerRoleName}`;
  const onboarding = new Onboarding({
    registry, principals, customerRoleNamePrefix: input.customerRoleNamePrefix,
    verify: (role) => verifyRole(role, { sts: input.verifierSts, principals, sessionName: input.sessionName, securityHub: verificationSecurityHub(input.securityHubEndpoint) }),
  });
  const customer = { accountId: DEMO.customerAccountId, arn: `arn:aws:iam::${DEMO.customerAccountId}:user/demo-admin` };
  const externalId = await onboarding.create(customer, { product: productKey, regions: [region] })
    .then((created) => created.registration.externalId)
    .catch((error: unknown) => {
      if (error instanceof ConflictError && error.code === 'RegistrationExists') return (error.details!.registration as { externalId: string }).externalId;
      throw error;
    });

  emulator.addAccount(partnerAccountId);
  emulator.addAccount(DEMO.customerAccountId);
  const setup = { accountId: DEMO.customerAccountId, externalId: externalId!, principals, productArns: [arn], roleName: DEMO.customerRoleName };
  emulator.putRole({
    accountId: DEMO.customerAccountId, roleName: DEMO.customerRoleName, trustPolicy: trustPolicy(setup),
    permissionPolicies: { SecurityHubFindingsBrokerImport: permissionsPolicy(setup) },
  });
  emulator.enableHub(DEMO.customerAccountId, region);
  emulator.enableProduct(DEMO.customerAccountId, region, arn);
  const current = await registry.getRegistration(DEMO.customerAccountId, productKey);
  const verified = current?.roleArn === customerRoleArn
    ? await onboarding.verify(customer, productKey)
    : await onboarding.setRole(customer, productKey, customerRoleArn);
  if (verified.status !== 'ACTIVE') {
    throw new Error(`the demo customer's verification did not pass: ${JSON.stringify(verified.problems)}`);
  }
  emulator.addAccessKey({ accountId: DEMO.customerAccountId, principalArn: `arn:aws:iam::${DEMO.customerAccountId}:user/demo-admin`, ...DEMO.customerUser });
  emulator.addAccessKey({ accountId: DEMO.newCustomerAccountId, principalArn: `arn:aws:iam::${DEMO.newCustomerAccountId}:user/admin`, ...DEMO.newCustomerUser });
  return {
    partnerId: DEMO.partnerId, token, productArns: [arn], customerAccountId: DEMO.customerAccountId,
    customerRoleArn, externalId: externalId!, customerCredentials: { ...DEMO.customerUser },
  };
}
