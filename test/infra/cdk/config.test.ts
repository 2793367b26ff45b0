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

  it('reads the same config from command-line strings as from cdk.json values', () => {
    const fromCommandLine = fromContext({
      productArns: `${ARN_A},${ARN_B}`,
      customerOrganizationIds: 'o-a1b2c3d4e5,o-zz99yy88xx77',
      deliverMaxConcurrency: '20',
      requireApiKeys: 'true',
      apiGatewayCloudWatchRole: 'FALSE',
      apiRateLimit: '200',
      apiBurstLimit: '400',
    });
    const fromCdkJson = fromContext({
      productArns: [ARN_A, ARN_B],
      customerOrganizationIds: ['o-a1b2c3d4e5', 'o-zz99yy88xx77'],
      deliverMaxConcurrency: 20,
      requireApiKeys: true,
      apiGatewayCloudWatchRole: false,
      apiRateLimit: 200,
      apiBurstLimit: 400,
    });
    expect(fromCommandLine).toEqual(fromCdkJson);
    expect(fromCdkJson).toMatchObject({ productArns: [ARN_A, ARN_B], deliverMaxConcurrency: 20, requireApiKeys: true, apiGatewayCloudWatchRole: false });
  });

  it('treats a missing, null or empty value as unset, and drops repeated organization ids', () => {
    const defaults = fromContext({ productArns: ARN_A });
    expect(fromContext({ productArns: ARN_A, deliverMaxConcurrency: null, requireApiKeys: '', stackName: null, alarmEmail: '' })).toEqual(defaults);
    expect(fromContext({ productArns: ARN_A, customerOrganizationIds: 'o-a1b2c3d4e5, o-a1b2c3d4e5' }).customerOrganizationIds).toEqual(['o-a1b2c3d4e5']);
  });

  it.each([
    ['productArns', { productArns: 7 }, /"productArns": must be a comma-separated list or a JSON array/],
    ['productArns', { productArns: '["oops"' }, /"productArns": "\["oops"" is not valid: must be a JSON array of strings/],
    ['productArns', { productArns: [ARN_A, 'not-an-arn'] }, /"productArns": "not-an-arn" is not a Security Hub product ARN/],
    ['partnerCompanyId', { partnerCompanyId: 'ac/me', partnerProductId: 'scanner' }, /"partnerCompanyId": "ac\/me" is not valid: expected letters, digits/],
    ['partnerProductId', { partnerProductId: 'scanner' }, /"partnerProductId": set partnerCompanyId and partnerProductId together/],
    ['customerRoleTemplateUrl', { productArns: ARN_A, customerRoleTemplateUrl: 'https://user:secret@example.com/t.yaml' }, /"customerRoleTemplateUrl": .* expected an https:\/\/ URL of at most 1024 characters/],
    ['customerOrganizationIds', { productArns: ARN_A, customerOrganizationIds: ['o-a1b2c3d4e5', 'O-UPPERCASE12'] }, /"customerOrganizationIds": "O-UPPERCASE12" is not valid/],
    ['alarmEmail', { productArns: ARN_A, alarmEmail: 'ops at example.com' }, /"alarmEmail": "ops at example.com" is not valid: expected an e-mail address/],
    ['deliverMaxConcurrency', { productArns: ARN_A, deliverMaxConcurrency: 2.5 }, /"deliverMaxConcurrency": "2.5" is not valid: expected a whole number from 2 to 1000/],
    ['deliverMaxConcurrency', { productArns: ARN_A, deliverMaxConcurrency: '1001' }, /"deliverMaxConcurrency": "1001" is not valid/],
    ['requireApiKeys', { productArns: ARN_A, requireApiKeys: 1 }, /"requireApiKeys": "1" is not valid: expected true or false/],
    ['apiGatewayCloudWatchRole', { productArns: ARN_A, apiGatewayCloudWatchRole: 'no' }, /"apiGatewayCloudWatchRole": "no" is not valid: expected true or false/],
    ['apiRateLimit', { productArns: ARN_A, apiRateLimit: 10_001 }, /"apiRateLimit": "10001" is not valid: expected a whole number from 1 to 10000/],
    ['apiBurstLimit', { productArns: ARN_A, apiBurstLimit: '0' }, /"apiBurstLimit": "0" is not valid: expected a whole number from 1 to 5000/],
    ['stackName', { productArns: ARN_A, stackName: '1-starts-with-a-digit' }, /"stackName": "1-starts-with-a-digit" is not valid: expected a CloudFormation stack name/],
  ])('names %s and what it must hold', (key, context, message) => {
    const error = refusal(context);
    expect(error.problems.map((problem) => problem.key)).toEqual([key]);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`Pass it as: cdk deploy -c ${key}=<value> \\(see docs/deploy\\.md\\)\\.$`));
  });

  it('keeps the one-problem message as it was', () => {
    expect(refusal({ productArns: ARN_A, deliverMaxConcurrency: '1' }).message).toBe(
      'Context "deliverMaxConcurrency": "1" is not valid: expected a whole number from 2 to 1000. ' +
        'Pass it as: cdk deploy -c deliverMaxConcurrency=<value> (see docs/deploy.md).',
    );
  });

  it('reports every bad value at once, one line each', () => {
    const error = refusal({
      productArns: `arn:aws:iam::111122223333:role/x, ${ARN_A}, not-an-arn`,
      partnerCompanyId: 'acme',
      deliverMaxConcurrency: 'many',
      requireApiKeys: 'yes',
      customerOrganizationIds: 'o-short',
      stackName: '-',
    });
    expect(error.problems.map((problem) => problem.key)).toEqual([
      'productArns',
      'productArns',
      'customerOrganizationIds',
      'deliverMaxConcurrency',
      'requireApiKeys',
      'stackName',
      'partnerProductId',
    ]);
    const lines = error.message.split('\n');
    expect(lines[0]).toMatch(/^The CDK context has 7 problems\. Pass each key as: cdk deploy -c <key>=<value>, or in cdk\.json's context/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}Context "productArns": "arn:aws:iam::111122223333:role\/x" is not a Security Hub product ARN/),
      expect.stringMatching(/^ {2}Context "productArns": "not-an-arn" is not a Security Hub product ARN/),
      expect.stringMatching(/^ {2}Context "customerOrganizationIds": "o-short" is not valid/),
      expect.stringMatching(/^ {2}Context "deliverMaxConcurrency": "many" is not valid: expected a whole number from 2 to 1000\.$/),
      expect.stringMatching(/^ {2}Context "requireApiKeys": "yes" is not valid: expected true or false\.$/),
      expect.stringMatching(/^ {2}Context "stackName": "-" is not valid/),
      expect.stringMatching(/^ {2}Context "partnerProductId": set partnerCompanyId and partnerProductId together\.$/),
    ]);
  });

  it('asks for product ARNs alongside the other problems when neither ARNs nor partner ids are set', () => {
    expect(refusal({ alarmEmail: 'nope' }).problems).toEqual([
      { key: 'alarmEmail', problem: '"nope" is not valid: expected an e-mail address' },
      { key: 'productArns', problem: expect.stringMatching(/^required: /) },
    ]);
  });
});

function refusal(context: Record<string, unknown>): ConfigurationError {
  try {
    fromContext(context);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(context)} to be refused`);
}
