import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ONBOARDING_ROUTES } from '#infra/cdk/broker-stack.js';
import { RESOURCE_POLICY_SIDS } from '#infra/cdk/constructs/api.js';
import { ConfigurationError } from '#infra/cdk/config.js';
import { actionsOf, logicalIdOf, resourcesOf, roleStatements, synthesizeBroker, type Statement } from './fixture.js';

let template: Template;
beforeAll(() => {
  ({ template } = synthesizeBroker());
});

/** What the issue asks for, written out independently of ONBOARDING_ROUTES. */
const EXPECTED_ROUTES = [
  ['GET', '/v1/products'],
  ['GET', '/v1/registrations'],
  ['POST', '/v1/registrations'],
  ['GET', '/v1/registrations/{company}/{product}'],
  ['DELETE', '/v1/registrations/{company}/{product}'],
  ['PUT', '/v1/registrations/{company}/{product}/role'],
  ['POST', '/v1/registrations/{company}/{product}/verify'],
] as const;
const TEMPLATE_URL = 'https://example-bucket.s3.eu-west-1.amazonaws.com/securityhub-broker/customer-role.yaml';
/** Set on every function by BrokerFunction; not part of what the onboarding handler is given. */
const COMMON_ENVIRONMENT = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_TRACER_CAPTURE_RESPONSE', 'POWERTOOLS_TRACER_CAPTURE_ERROR', 'NODE_OPTIONS'];

const roleArn = (of: Template, name: string) => ({ 'Fn::GetAtt': [logicalIdOf(of, 'AWS::IAM::Role', `Functions${name}Role`), 'Arn'] });
const functionArn = (of: Template, name: string) => ({
  'Fn::GetAtt': [logicalIdOf(of, 'AWS::Lambda::Function', `Functions${name}Function`), 'Arn'],
});
const onboardingProps = (of: Template = template) =>
  resourcesOf(of, 'AWS::Lambda::Function')[logicalIdOf(of, 'AWS::Lambda::Function', 'FunctionsOnboardingFunction')]!.Properties;
const allowedBy = (statements: Statement[]) => statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
const allowing = (statements: Statement[], action: string) =>
  statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));

/** `/v1/registrations/{company}/{product}` for an API Gateway resource id, walking up the ParentIds. */
function pathOf(of: Template, resourceRef: unknown): string {
  const resources = resourcesOf(of, 'AWS::ApiGateway::Resource');
  const parts: string[] = [];
  let ref = resourceRef as { Ref?: string };
  while (ref.Ref !== undefined) {
    const resource = resources[ref.Ref]!;
    parts.unshift(resource.Properties.PathPart);
    ref = resource.Properties.ParentId;
  }
  return `/${parts.join('/')}`;
}

function methodsByRoute(of: Template): Map<string, Record<string, any>> {
  return new Map(
    Object.values(resourcesOf(of, 'AWS::ApiGateway::Method')).map((m) => [
      `${m.Properties.HttpMethod} ${pathOf(of, m.Properties.ResourceId)}`,
      m.Properties,
    ]),
  );
}

function resourcePolicy(of: Template): { Statement: Statement[] } {
  const apis = Object.values(resourcesOf(of, 'AWS::ApiGateway::RestApi'));
  expect(apis).toHaveLength(1);
  return apis[0]!.Properties.Policy;
}

const statementWithSid = (of: Template, sid: string) => resourcePolicy(of).Statement.find((s) => s.Sid === sid);

describe('onboarding routes', () => {
  it('defines exactly the issue\'s routes, once, in ONBOARDING_ROUTES', () => {
    const defined = Object.values(ONBOARDING_ROUTES).flatMap(({ path, methods }) => methods.map((m) => `${m} ${path}`));
    expect(defined.sort()).toEqual(EXPECTED_ROUTES.map(([m, p]) => `${m} ${p}`).sort());
  });

  it.each(EXPECTED_ROUTES)('%s %s exists, AWS_IAM-authorised, proxied to the onboarding function', (httpMethod, path) => {
    const method = methodsByRoute(template).get(`${httpMethod} ${path}`);
    expect(method, `${httpMethod} ${path}`).toBeDefined();
    expect(method!.AuthorizationType).toBe('AWS_IAM');
    expect(method!.AuthorizerId).toBeUndefined();
    expect(method!.ApiKeyRequired).not.toBe(true);
    expect(method!.Integration.Type).toBe('AWS_PROXY');
    expect(JSON.stringify(method!.Integration.Uri)).toContain(JSON.stringify(functionArn(template, 'Onboarding')));
  });

  it('routes nothing else to the onboarding function and nothing else as AWS_IAM', () => {
    const onboarding = JSON.stringify(functionArn(template, 'Onboarding'));
    const routed = [...methodsByRoute(template)].filter(([, m]) => JSON.stringify(m.Integration.Uri).includes(onboarding)).map(([route]) => route);
    const iam = [...methodsByRoute(template)].filter(([, m]) => m.AuthorizationType === 'AWS_IAM').map(([route]) => route);
    const expected = EXPECTED_ROUTES.map(([m, p]) => `${m} ${p}`).sort();
    expect(routed.sort()).toEqual(expected);
    expect(iam.sort()).toEqual(expected);
  });

  it('lets API Gateway invoke the onboarding function for each route only (one permission per method ARN)', () => {
    const onboardingId = logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsOnboardingFunction');
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter(
      (p) => JSON.stringify(p.Properties.FunctionName).includes(onboardingId),
    );
    expect(permissions).toHaveLength(EXPECTED_ROUTES.length);
    const sources = permissions.map((p) => JSON.stringify(p.Properties.SourceArn));
    for (const [httpMethod, path] of EXPECTED_ROUTES) {
      // Method ARNs spell a path parameter as "*".
      const methodArnTail = `/${httpMethod}${path.replace(/\{[^}]+\}/g, '*')}"`;
      expect(sources.some((source) => source.includes(methodArnTail)), `${httpMethod} ${path}`).toBe(true);
    }
    for (const permission of permissions) expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
  });
});

describe('onboarding function', () => {
  it('has 512 MB and a 28 s timeout (under API Gateway\'s 29 s integration limit)', () => {
    expect(onboardingProps().MemorySize).toBe(512);
    expect(onboardingProps().Timeout).toBe(28);
  });

  it('gets exactly its environment: the table, both queues (self-healing), both principals and the two prefixes', () => {
    const variables = onboardingProps().Environment.Variables as Record<string, unknown>;
    expect(Object.keys(variables).filter((key) => !COMMON_ENVIRONMENT.includes(key)).sort()).toEqual(
      ['CUSTOMER_ROLE_NAME_PREFIX', 'DEAD_LETTER_QUEUE_URL', 'DELIVERY_PRINCIPAL_ARN', 'DELIVERY_QUEUE_URL', 'ROLE_SESSION_NAME_PREFIX', 'TABLE_NAME', 'VERIFIER_PRINCIPAL_ARN'],
    );
    expect(variables).toMatchObject({
      TABLE_NAME: { Ref: logicalIdOf(template, 'AWS::DynamoDB::Table', 'RegistryTable') },
      DELIVERY_PRINCIPAL_ARN: roleArn(template, 'Deliver'),
      VERIFIER_PRINCIPAL_ARN: roleArn(template, 'Onboarding'),
      CUSTOMER_ROLE_NAME_PREFIX: 'SecurityHubFindingsBroker',
      ROLE_SESSION_NAME_PREFIX: 'securityhub-broker',
    });
    // The verifier principal is the function's own execution role.
    expect(onboardingProps().Role).toEqual(roleArn(template, 'Onboarding'));
  });

  it('gets CUSTOMER_ROLE_TEMPLATE_URL only when customerRoleTemplateUrl is set, and the configured prefixes', () => {
    const variant = synthesizeBroker({
      context: { customerRoleTemplateUrl: TEMPLATE_URL, customerRoleNamePrefix: 'AcmeBrokerImport', roleSessionNamePrefix: 'acme-broker' },
    }).template;
    expect(onboardingProps(variant).Environment.Variables).toMatchObject({
      CUSTOMER_ROLE_TEMPLATE_URL: TEMPLATE_URL,
      CUSTOMER_ROLE_NAME_PREFIX: 'AcmeBrokerImport',
      ROLE_SESSION_NAME_PREFIX: 'acme-broker',
    });
    expect(onboardingProps().Environment.Variables).not.toHaveProperty('CUSTOMER_ROLE_TEMPLATE_URL');
  });

  it.each(['http://example.com/customer-role.yaml', 'customer-role.yaml', 'ftp://example.com/customer-role.yaml'])(
    'fails synth on customerRoleTemplateUrl=%s, naming the key',
    (url) => {
      expect(() => synthesizeBroker({ context: { customerRoleTemplateUrl: url } })).toThrow(ConfigurationError);
      expect(() => synthesizeBroker({ context: { customerRoleTemplateUrl: url } })).toThrow(/customerRoleTemplateUrl/);
    },
  );
});

describe('the two principals', () => {
  const onboarding = () => roleStatements(template, 'FunctionsOnboardingRole');
  const deliver = () => roleStatements(template, 'FunctionsDeliverRole');
  const customerRoles = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/SecurityHubFindingsBroker*']] };

  it('lets the verifier (onboarding role) assume customer roles by prefix and session name, WITHOUT requiring an ExternalId', () => {
    const assume = allowing(onboarding(), 'sts:AssumeRole');
    expect(assume).toHaveLength(1);
    expect(actionsOf(assume[0]!)).toEqual(['sts:AssumeRole']);
    expect(assume[0]!.Resource).toEqual(customerRoles);
    expect(assume[0]!.Condition).toEqual({ StringLike: { 'sts:RoleSessionName': 'securityhub-broker-*' } });
    expect(JSON.stringify(onboarding())).not.toContain('sts:ExternalId');
  });

  it('keeps the delivery principal (deliver role) as strict as before: an ExternalId is required', () => {
    const assume = allowing(deliver(), 'sts:AssumeRole');
    expect(assume).toHaveLength(1);
    expect(assume[0]!.Resource).toEqual(customerRoles);
    expect(assume[0]!.Condition).toEqual({
      StringLike: { 'sts:RoleSessionName': 'securityhub-broker-*' },
      Null: { 'sts:ExternalId': 'false' },
    });
  });

  it('gives the onboarding role registry reads, PutItem and UpdateItem, the key to use them, and nothing else besides self-healing\'s queue access', () => {
    const actions = allowedBy(onboarding()).filter((a) => !/^(logs|xray|sqs):/.test(a));
    expect([...new Set(actions)].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'sts:AssumeRole',
    ]);
    expect(actions.filter((a) => a.startsWith('securityhub:'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:DeleteItem');
    const tableArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::DynamoDB::Table', 'RegistryTable'), 'Arn'] };
    expect(allowing(onboarding(), 'dynamodb:Query')[0]!.Resource).toEqual([
      tableArn,
      { 'Fn::Join': ['', [tableArn, '/index/gsi1']] },
    ]);
    expect(allowing(onboarding(), 'dynamodb:PutItem').map((s) => s.Resource)).toEqual([tableArn]);
    const keyArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'DataKey'), 'Arn'] };
    // One data key encrypts the table and the queues: every key statement names it and nothing else.
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      expect(new Set(allowing(onboarding(), action).map((s) => JSON.stringify(s.Resource)))).toEqual(new Set([JSON.stringify(keyArn)]));
    }
  });

  it('gives deliver UpdateItem on the registry table and no other write (its BatchWriteItem is the ledger\'s)', () => {
    const writes = allowedBy(deliver()).filter((a) => a.startsWith('dynamodb:') && !['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'].includes(a));
    expect(writes.sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:UpdateItem']);
  });

  it('outputs both principals and the onboarding API URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    expect(outputs.BrokerRoleArn!.Value).toEqual(roleArn(template, 'Deliver'));
    expect(outputs.VerifierRoleArn!.Value).toEqual(roleArn(template, 'Onboarding'));
    expect(JSON.stringify(outputs.OnboardingApiUrl!.Value)).toMatch(/"\/v1\/"\]\]\}$/);
    expect(outputs.OnboardingApiUrl!.Description).toMatch(/execute-api:Invoke/);
  });
});

describe('API resource policy', () => {
  const EXPECTED_IAM_RESOURCES = [
    'execute-api:/*/GET/v1/products',
    'execute-api:/*/GET/v1/registrations',
    'execute-api:/*/POST/v1/registrations',
    'execute-api:/*/GET/v1/registrations/*/*',
    'execute-api:/*/DELETE/v1/registrations/*/*',
    'execute-api:/*/PUT/v1/registrations/*/*/role',
    'execute-api:/*/POST/v1/registrations/*/*/verify',
  ];

  it('allows only execute-api:Invoke, only to {"AWS":"*"}, and denies nothing', () => {
    const { Statement } = resourcePolicy(template);
    expect(Statement.map((s) => s.Sid).sort()).toEqual([RESOURCE_POLICY_SIDS.iamRoutes, RESOURCE_POLICY_SIDS.partnerRoutes].sort());
    for (const statement of Statement) {
      expect(statement).toMatchObject({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke' });
    }
  });

  it('admits signed callers from other accounts to exactly the IAM routes', () => {
    const iam = statementWithSid(template, RESOURCE_POLICY_SIDS.iamRoutes)!;
    expect([iam.Resource].flat().sort()).toEqual([...EXPECTED_IAM_RESOURCES].sort());
    // The broker's own principals fall back to their identity policies; no organization limit by default.
    expect(iam.Condition).toEqual({ StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } });
  });

  it('keeps the partner routes open to the Lambda authorizer\'s decision, unconditionally', () => {
    const partner = statementWithSid(template, RESOURCE_POLICY_SIDS.partnerRoutes)!;
    expect([partner.Resource].flat().sort()).toEqual(['execute-api:/*/GET/v1/submissions', 'execute-api:/*/GET/v1/submissions/*',
      'execute-api:/*/POST/v1/findings', 'execute-api:/*/POST/v1/findings:validate', 'execute-api:/*/POST/v1/scans/*/complete']);
    expect(partner.Condition).toBeUndefined();
  });

  it('limits the IAM routes to the customerOrganizationIds, leaves partner routes alone, and redeploys the stage', () => {
    const variant = synthesizeBroker({ context: { customerOrganizationIds: 'o-a1b2c3d4e5,o-zz99yy88xx77' } }).template;
    expect(statementWithSid(variant, RESOURCE_POLICY_SIDS.iamRoutes)!.Condition).toEqual({
      StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
      StringEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5', 'o-zz99yy88xx77'] },
    });
    expect(statementWithSid(variant, RESOURCE_POLICY_SIDS.partnerRoutes)!.Condition).toBeUndefined();
    // A changed policy must reach the stage: the deployment's logical id follows the RestApi.
    const deployments = (of: Template) => Object.keys(resourcesOf(of, 'AWS::ApiGateway::Deployment'));
    expect(deployments(variant)).not.toEqual(deployments(template));
  });

  it('fails synth on a customerOrganizationIds entry that is not an organization id, naming the key', () => {
    expect(() => synthesizeBroker({ context: { customerOrganizationIds: '111122223333' } })).toThrow(/customerOrganizationIds/);
  });
});
