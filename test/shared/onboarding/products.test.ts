import { describe, expect, it } from 'vitest';
import { offersOf } from '#shared/onboarding/products.js';

const partner = (partnerId: string, productArns: string[]) => ({ partnerId, name: `${partnerId} Inc`, productArns, createdAt: '2026-01-01T00:00:00Z' });

describe('the product catalogue', () => {
  it('offers each product key once, with its ARN per Region, owned by one partner', () => {
    const offers = offersOf([
      partner('acme', ['arn:aws:securityhub:us-east-1:111111111111:product/acme/scanner', 'arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner', 'arn:aws:securityhub:us-east-1:111111111111:product/acme/other']),
      partner('zeta', ['arn:aws:securityhub:ap-south-1:999999999999:product/acme/scanner', 'not-an-arn']),
    ]);
    expect(offers).toEqual([
      { productKey: 'acme/other', partnerId: 'acme', partnerName: 'acme Inc', productArns: { 'us-east-1': 'arn:aws:securityhub:us-east-1:111111111111:product/acme/other' } },
      { productKey: 'acme/scanner', partnerId: 'acme', partnerName: 'acme Inc', productArns: {
        'us-east-1': 'arn:aws:securityhub:us-east-1:111111111111:product/acme/scanner', 'eu-west-1': 'arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner',
      } },
    ]);
  });
});
