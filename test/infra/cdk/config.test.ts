import { describe, expect, it } from 'vitest';
import { ConfigurationError, DEFAULTS, readBrokerConfig } from '#infra/cdk/config.js';

const ARN_A = 'arn:aws:securityhub:us-east-1:111122223333:product/acme/scanner';
const ARN_B = 'arn:aws:securityhub:eu-west-1:444455556666:product/acme/scanner';

const fromContext = (context: Record<string, unknown>) => readBrokerConfig((key) => context[key]);

describe('broker context', () => {
  it('reads product ARNs from a comma-separated -c value', () => {
    expect(fromContext({ productArns: ` ${ARN_A}, ${ARN_B} ` }).productArns).toEqual([ARN_A, ARN_B]);
  });

  it('reads product ARNs from a JSON array string or a cdk.json array', () => {
    expect(fromContext({ productArns: JSON.stringify([ARN_A]) }).productArns).toEqual([ARN_A]);
    expect(fromContext({ productArns: [ARN_A, ARN_B] }).productArns).toEqual([ARN_A, ARN_B]);
  });

  it('applies the documented defaults', () => {
    expect(fromContext({ productArns: ARN_A })).toEqual({
      productArns: [ARN_A],
      customerRoleNamePrefix: DEFAULTS.customerRoleNamePrefix,
      roleSessionNamePrefix: DEFAULTS.roleSessionNamePrefix,
      customerOrganizationIds: [],
      deliverMaxConcurrency: DEFAULTS.deliverMaxConcurrency,
      requireApiKeys: false,
      apiGatewayCloudWatchRole: true,
      apiRateLimit: DEFAULTS.apiRateLimit,
      apiBurstLimit: DEFAULTS.apiBurstLimit,
      stackName: DEFAULTS.stackName,
    });
  });

  it('parses numbers and booleans given as strings on the command line', () => {
    const config = fromContext({ productArns: ARN_A, deliverMaxConcurrency: '20', requireApiKeys: 'true', alarmEmail: 'ops@example.com' });
    expect(config).toMatchObject({ deliverMaxConcurrency: 20, requireApiKeys: true, alarmEmail: 'ops@example.com' });
  });

  it('accepts partner company and product ids instead of product ARNs', () => {
    expect(fromContext({ partnerCompanyId: 'acme', partnerProductId: 'scanner' })).toMatchObject({
      productArns: [],
      partnerCompanyId: 'acme',
      partnerProductId: 'scanner',
    });
  });

  it('reads the customer role template URL and customer organization ids', () => {
    const config = fromContext({
      productArns: ARN_A,
      customerRoleTemplateUrl: ' https://example-bucket.s3.eu-west-1.amazonaws.com/customer-role.yaml ',
      customerOrganizationIds: 'o-a1b2c3d4e5, o-zz99yy88xx77',
    });
    expect(config).toMatchObject({
      customerRoleTemplateUrl: 'https://example-bucket.s3.eu-west-1.amazonaws.com/customer-role.yaml',
      customerOrganizationIds: ['o-a1b2c3d4e5', 'o-zz99yy88xx77'],
    });
    expect(fromContext({ productArns: ARN_A, customerOrganizationIds: ['o-a1b2c3d4e5'] }).customerOrganizationIds).toEqual(['o-a1b2c3d4e5']);
    expect(fromContext({ productArns: ARN_A })).not.toHaveProperty('customerRoleTemplateUrl');
  });

  it.each([
    [{}, /productArns.*required/],
    [{ productArns: 'arn:aws:iam::111122223333:role/x' }, /not a Security Hub product ARN/],
    [{ productArns: ARN_A, deliverMaxConcurrency: '1' }, /deliverMaxConcurrency.*from 2 to 1000/],
    [{ productArns: ARN_A, deliverMaxConcurrency: 'many' }, /deliverMaxConcurrency/],
    [{ productArns: ARN_A, requireApiKeys: 'yes' }, /requireApiKeys.*true or false/],
    [{ productArns: ARN_A, alarmEmail: 'not-an-address' }, /alarmEmail/],
    [{ productArns: ARN_A, customerRoleNamePrefix: 'has space' }, /customerRoleNamePrefix/],
    [{ productArns: ARN_A, roleSessionNamePrefix: 'x'.repeat(33) }, /roleSessionNamePrefix/],
    [{ partnerCompanyId: 'acme' }, /partnerCompanyId and partnerProductId together/],
    [{ productArns: ARN_A, customerRoleTemplateUrl: 'http://example.com/customer-role.yaml' }, /customerRoleTemplateUrl.*https:\/\//],
    [{ productArns: ARN_A, customerRoleTemplateUrl: 'customer-role.yaml' }, /customerRoleTemplateUrl/],
    [{ productArns: ARN_A, customerRoleTemplateUrl: `https://example.com/${'x'.repeat(1024)}` }, /customerRoleTemplateUrl/],
    [{ productArns: ARN_A, customerOrganizationIds: 'o-a1b2c3d4e5,111122223333' }, /customerOrganizationIds.*"111122223333"/],
    [{ productArns: ARN_A, customerOrganizationIds: 'o-short' }, /customerOrganizationIds/],
  ])('refuses %j, naming the key', (context, message) => {
    expect(() => fromContext(context)).toThrow(ConfigurationError);
    expect(() => fromContext(context)).toThrow(message);
  });
});
