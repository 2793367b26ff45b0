import type { FindingIssue } from '../asff/validate.js';
import { quotaKeyOf } from '../delivery/quota-key.js';
import { parseProductArn } from '../product/product-arn.js';
import type { Partner, RegistrationStatus } from '../registry/model.js';
import { RegistrationLookup } from '../registry/registration-lookup.js';
import type { Registry } from '../registry/registry.js';

/** Where an accepted finding goes: one customer account, Region and product, and the quota its import spends. */
export interface Destination {
  accountId: string;
  region: string;
  productKey: string;
  /** shared/delivery/quota-key.ts: the calling account's, by the registration's mode. */
  quotaKey: string;
}

export type AccessVerdict = { ok: true; destination: Destination } | { ok: false; issue: FindingIssue };

/**
 * Decides whether the calling partner may post this (schema-valid) finding: the ProductArn must be
 * one of the partner's products, and the AwsAccountId must hold an ACTIVE registration for that
 * product and the ProductArn's Region. Registrations are looked up once per request.
 */
export class FindingAccessCheck {
  private readonly registrations: RegistrationLookup;

  constructor(
    private readonly partner: Partner,
    registry: Registry,
  ) {
    this.registrations = new RegistrationLookup(registry);
  }

  async check(finding: { ProductArn: string; AwsAccountId: string }, index: number): Promise<AccessVerdict> {
    const product = parseProductArn(finding.ProductArn);
    if (!product || !this.partner.productArns.includes(finding.ProductArn)) {
      return this.deny(index, 'ProductArn', 'productNotOwned',
        `ProductArn ${finding.ProductArn} is not one of your products (${this.partner.productArns.join(', ') || 'none registered'}). Use your own product ARN for the finding's Region.`);
    }
    const accountId = finding.AwsAccountId;
    const registration = await this.registrations.get(accountId, product.productKey);
    if (!registration || registration.partnerId !== this.partner.partnerId || registration.status === 'OFFBOARDED') {
      return this.deny(index, 'AwsAccountId', 'customerNotRegistered',
        `Account ${accountId} has no registration for product ${product.productKey}. The customer must register through the onboarding API first.`);
    }
    if (registration.status !== 'ACTIVE') {
      return this.deny(index, 'AwsAccountId', 'registrationNotActive', notActiveMessage(accountId, product.productKey, registration.status as 'PENDING' | 'SUSPENDED'));
    }
    if (!registration.regions.includes(product.region)) {
      return this.deny(index, 'ProductArn', 'regionNotRegistered',
        `Account ${accountId} receives findings in ${registration.regions.join(', ')}, not ${product.region}. Use the ProductArn of a registered Region, or ask the customer to add ${product.region}.`);
    }
    return { ok: true, destination: { accountId, region: product.region, productKey: product.productKey,
      quotaKey: quotaKeyOf(registration.mode, accountId, product.region) } };
  }

  private deny(index: number, field: string, rule: string, message: string): AccessVerdict {
    return { ok: false, issue: { path: `Findings[${index}].${field}`, rule, message } };
  }
}

/** Why a registration that is neither ACTIVE nor OFFBOARDED (customerNotRegistered) takes no findings, and when it will. */
function notActiveMessage(accountId: string, productKey: string, status: Exclude<RegistrationStatus, 'ACTIVE' | 'OFFBOARDED'>): string {
  switch (status) {
    case 'PENDING':
      return `Account ${accountId}'s registration for ${productKey} is PENDING: the customer has not handed over a verified role yet. Findings are accepted once the customer sets and verifies it.`;
    case 'SUSPENDED':
      return `Account ${accountId}'s registration for ${productKey} is SUSPENDED: the customer's account refused the broker's deliveries repeatedly (the registration's deliveryProblem says why). Findings are accepted again once the customer fixes it and verifies the role.`;
  }
}
