import { issueToken, verifyToken } from '#shared/auth/partner-tokens.js';
import { productArn } from '#shared/product/product-arn.js';
import { generateExternalId } from '#shared/registry/external-id.js';
import type { Registry } from '#shared/registry/registry.js';
import type { EmulatorState } from '#emulator/index.js';

export const DEMO = {
  partnerId: 'demo-partner',
  partnerName: 'Demo Security Vendor',
  company: 'demo-company',
  product: 'demo-product',
  customerAccountId: '222222222222',
  customerRoleName: 'SecurityHubFindingsBroker-demo-partner',
  customerUser: { accessKeyId: 'AKIADEMOCUSTOMER0001', secretAccessKey: 'demo-customer-secret-key-for-local-use-only' },
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
 * start (its accounts live in memory). A token from an earlier run is kept when it still verifies,
 * so a restarted `npm start` prints the same token.
 */
export async function seedDemo(input: {
  registry: Registry;
  emulator: EmulatorState;
  region: string;
  partnerAccountId: string;
  brokerPrincipalArn: string;
  previousToken?: string;
}): Promise<DemoSeed> {
  const { registry, emulator, region, partnerAccountId, brokerPrincipalArn } = input;
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
  const registration = await registry.getRegistration(DEMO.customerAccountId, productKey);
  const externalId = registration?.externalId ?? generateExternalId();
  await registry.putRegistration({
    accountId: DEMO.customerAccountId, productKey, partnerId: DEMO.partnerId,
    regions: [...new Set([...(registration?.regions ?? []), region])], mode: 'cross-account-role',
    roleArn: customerRoleArn, externalId, status: 'ACTIVE', createdAt: registration?.createdAt ?? now, updatedAt: now,
  });

  emulator.addAccount(partnerAccountId);
  emulator.addAccount(DEMO.customerAccountId);
  emulator.putRole({
    accountId: DEMO.customerAccountId,
    roleName: DEMO.customerRoleName,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: brokerPrincipalArn }, Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } } }],
    },
  });
  emulator.enableHub(DEMO.customerAccountId, region);
  emulator.enableProduct(DEMO.customerAccountId, region, arn);
  emulator.addAccessKey({ accountId: DEMO.customerAccountId, principalArn: `arn:aws:iam::${DEMO.customerAccountId}:user/demo-admin`, ...DEMO.customerUser });
  return {
    partnerId: DEMO.partnerId, token, productArns: [arn], customerAccountId: DEMO.customerAccountId,
    customerRoleArn, externalId, customerCredentials: { ...DEMO.customerUser },
  };
}
