import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyFailedFinding } from '#shared/diagnostics/failure-catalog.js';
import { subscriptionCovers } from '#shared/delivery/access-diagnosis.js';
import { judgeRefusedAccess } from '#shared/delivery/access-verdict.js';
import { CUSTOMER, PRODUCT_ARN, REGION, useSeededHub } from '../../emulator/fixtures.js';

// judgeRefusedAccess against the emulator's real DescribeHub / ListEnabledProductsForImport answers.
const seeded = useSeededHub();
const context = { accountId: CUSTOMER, region: REGION, productArn: PRODUCT_ARN };
const OTHER_PRODUCT = `arn:aws:securityhub:${REGION}:111111111111:product/acme/other`;
const refusedFor = (productArn: string) => ({ productArn, failure: classifyFailedFinding('InvalidAccess', 'refused', { ...context, productArn }) });

describe('judging a per-finding InvalidAccess', () => {
  beforeEach(() => seeded.emulator.state.resetCounters());
  afterEach(() => seeded.emulator.state.clearFaults());

  it('condemns the whole destination when DescribeHub says the hub is off', async () => {
    seeded.emulator.state.disableHub(CUSTOMER, REGION);
    const verdict = await judgeRefusedAccess(seeded.hub, 'cross-account-role', [refusedFor(PRODUCT_ARN)], context);
    expect(verdict.destination).toMatchObject({ kind: 'permanent', code: 'SecurityHubNotEnabled' });
    expect(seeded.emulator.state.callCount('ListEnabledProductsForImport')).toBe(0);
  });

  it('condemns only the products without a subscription when the hub is on', async () => {
    const verdict = await judgeRefusedAccess(seeded.hub, 'customer-hosted', [refusedFor(PRODUCT_ARN), refusedFor(OTHER_PRODUCT)], context);
    expect(verdict.destination).toBeUndefined();
    expect(verdict.products.get(OTHER_PRODUCT)).toMatchObject({ code: 'ProductNotSubscribed' });
    expect(verdict.products.get(OTHER_PRODUCT)!.message).toContain(`--product-arn ${OTHER_PRODUCT}`);
    // PRODUCT_ARN is subscribed, so its refusal stays unexplained rather than blamed on the wrong cause.
    expect(verdict.products.get(PRODUCT_ARN)).toMatchObject({ kind: 'permanent', code: 'ImportAccessRefused' });
    expect(verdict.products.get(PRODUCT_ARN)!.message).toMatch(/Cause not determined: .*listed as enabled/);
  });

  it('keeps both fixes, and says why, when the look itself fails', async () => {
    seeded.emulator.state.injectFault({ operation: 'DescribeHub', kind: 'server-error' });
    const verdict = await judgeRefusedAccess(seeded.hub, 'cross-account-role', [refusedFor(PRODUCT_ARN)], context);
    expect(verdict.destination).toBeUndefined();
    expect(verdict.products.get(PRODUCT_ARN)!.message).toMatch(/enable-security-hub.*enable-import-findings-for-product.*Cause not determined: DescribeHub failed with InternalException/);
  });

  it("takes no look in partner-account mode, where the broker's own hub says nothing about the customer's", async () => {
    const verdict = await judgeRefusedAccess(seeded.hub, 'partner-account', [refusedFor(PRODUCT_ARN)], context);
    expect(verdict.products.get(PRODUCT_ARN)).toMatchObject({ kind: 'permanent', code: 'ImportAccessRefused' });
    expect(seeded.emulator.state.callCount('DescribeHub')).toBe(0);
  });
});

describe('subscriptionCovers', () => {
  it('matches a product subscription to its product by Region, company and product id', () => {
    const subscription = `arn:aws:securityhub:${REGION}:${CUSTOMER}:product-subscription/acme/scanner`;
    expect(subscriptionCovers(subscription, PRODUCT_ARN)).toBe(true);
    expect(subscriptionCovers(subscription, OTHER_PRODUCT)).toBe(false);
    expect(subscriptionCovers(subscription.replace(REGION, 'eu-west-1'), PRODUCT_ARN)).toBe(false);
  });
});
