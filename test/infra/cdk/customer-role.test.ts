import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '#infra/cdk/config.js';

const TEMPLATE_FILE = fileURLToPath(new URL('../../../infra/customer-role.yaml', import.meta.url));

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };

let app: App;
let included: CfnInclude;
let template: Template;
let role: Record<string, any>;
beforeAll(() => {
  // cloudformation-include parses the YAML the way CloudFormation does (intrinsics included).
  app = new App();
  const stack = new Stack(app, 'CustomerRole');
  included = new CfnInclude(stack, 'Template', { templateFile: TEMPLATE_FILE });
  template = Template.fromStack(stack);
  role = Object.values(template.findResources('AWS::IAM::Role'))[0]!.Properties as Record<string, any>;
});

const permissions = (): Statement[] => role.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);

describe('customer role template', () => {
  it('creates exactly one resource, the role', () => {
    expect(Object.keys(template.toJSON().Resources)).toEqual(['BrokerImportRole']);
  });

  it('trusts only the two broker principals (delivery and verifier), only for sts:AssumeRole, only with the ExternalId', () => {
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { AWS: [{ Ref: 'BrokerPrincipalArn' }, { Ref: 'VerifierPrincipalArn' }] },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
      },
    ]);
  });

  it('takes the ExternalId as a hidden parameter with the STS character rules', () => {
    const parameters = template.toJSON().Parameters;
    expect(parameters.ExternalId).toMatchObject({ Type: 'String', NoEcho: true, MinLength: 2, MaxLength: 1224 });
    expect(parameters.ExternalId.AllowedPattern).toBe('[\\w+=,.@:/-]{2,1224}');
    const pattern = new RegExp(`^${parameters.ExternalId.AllowedPattern}$`);
    expect(pattern.test('a1b2+=,.@:/-_c3')).toBe(true);
    expect(pattern.test('has space')).toBe(false);
    expect(pattern.test('x')).toBe(false);
  });

  it('names the role with the prefix the broker may assume by default', () => {
    const { RoleName } = template.toJSON().Parameters;
    expect(role.RoleName).toEqual({ Ref: 'RoleName' });
    expect(RoleName.Default.startsWith(DEFAULTS.customerRoleNamePrefix)).toBe(true);
    const allowed = new RegExp(RoleName.AllowedPattern);
    expect(allowed.test(RoleName.Default)).toBe(true);
    expect(allowed.test('SomeOtherRole')).toBe(false);
    expect(allowed.test(`${DEFAULTS.customerRoleNamePrefix}${'x'.repeat(40)}`)).toBe(false);
  });

  it.each(['BrokerPrincipalArn', 'VerifierPrincipalArn'])('requires a role ARN as the trusted principal %s', (parameter) => {
    const allowed = new RegExp(template.toJSON().Parameters[parameter].AllowedPattern);
    expect(allowed.test('arn:aws:iam::111122223333:role/SecurityHubFindingsBroker-DeliverRole')).toBe(true);
    expect(allowed.test('arn:aws:iam::111122223333:root')).toBe(false);
    expect(allowed.test('*')).toBe(false);
  });

  it('allows exactly BatchImportFindings, DescribeHub and ListEnabledProductsForImport', () => {
    const actions = permissions().flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual(['securityhub:BatchImportFindings', 'securityhub:DescribeHub', 'securityhub:ListEnabledProductsForImport']);
    expect(permissions().every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it("scopes BatchImportFindings to the partner's product and this account's subscription to it", () => {
    const [statement] = permissions().filter((s) => s.Action === 'securityhub:BatchImportFindings');
    expect(statement!.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:*:*:product/${PartnerCompanyId}/${PartnerProductId}' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product-subscription/${PartnerCompanyId}/${PartnerProductId}' },
    ]);
  });

  it('scopes DescribeHub to this account\'s hub', () => {
    const [statement] = permissions().filter((s) => s.Action === 'securityhub:DescribeHub');
    expect(statement!.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:hub/default' });
  });

  it('caps sessions at one hour', () => {
    expect(role.MaxSessionDuration).toBe(3600);
  });

  it('outputs the role ARN', () => {
    expect(template.toJSON().Outputs.RoleArn.Value).toEqual({ 'Fn::GetAtt': ['BrokerImportRole', 'Arn'] });
  });

  it('passes cdk-nag AwsSolutions checks except the documented wildcard resources', () => {
    const roleConstruct = included.getResource('BrokerImportRole');
    Validations.of(roleConstruct).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:*:product/<PartnerCompanyId>/<PartnerProductId>]',
      reason: 'The product resource of the partner in every Region: the partner product ARN differs per Region and account.',
    });
    Validations.of(roleConstruct).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:product-subscription/<PartnerCompanyId>/<PartnerProductId>]',
      reason: "This account's subscription to the partner's product in every Region it enables, for BatchImportFindings.",
    });
    Validations.of(roleConstruct).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:hub/default]',
      reason: 'This account\'s hub in every Region the customer enables, read with DescribeHub at onboarding.',
    });
    Validations.of(roleConstruct).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ListEnabledProductsForImport supports no resource-level permissions; it is a read-only list.',
    });
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });
});
