import { describe, expect, it } from 'vitest';
import { cliCommands, permissionsPolicy, quickCreateLink, trustPolicy } from '#shared/onboarding/role-documents.js';

const input = {
  accountId: '222222222222',
  externalId: 'issued-external-id',
  principals: { delivery: 'arn:aws:iam::111111111111:role/Deliver', verifier: 'arn:aws:iam::111111111111:role/Verifier' },
  productArns: ['arn:aws:securityhub:us-east-1:111111111111:product/acme/scanner', 'arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner'],
  roleName: 'SecurityHubFindingsBroker-acme-scanner',
};

describe('the role documents a registration hands out', () => {
  it('trusts both broker principals for sts:AssumeRole only, only with the issued ExternalId', () => {
    expect(trustPolicy(input).Statement).toEqual([expect.objectContaining({
      Effect: 'Allow', Principal: { AWS: [input.principals.delivery, input.principals.verifier] }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'issued-external-id' } },
    })]);
  });

  it('allows BatchImportFindings on the product and the subscription of each registered Region, and only the two read-only checks besides', () => {
    const [importing, hub, subscriptions] = permissionsPolicy(input).Statement;
    expect(importing).toMatchObject({ Action: 'securityhub:BatchImportFindings', Resource: [
      ...input.productArns,
      'arn:aws:securityhub:us-east-1:222222222222:product-subscription/acme/scanner',
      'arn:aws:securityhub:eu-west-1:222222222222:product-subscription/acme/scanner',
    ] });
    expect(hub).toMatchObject({ Action: 'securityhub:DescribeHub', Resource: [
      'arn:aws:securityhub:us-east-1:222222222222:hub/default', 'arn:aws:securityhub:eu-west-1:222222222222:hub/default',
    ] });
    expect(subscriptions).toMatchObject({ Action: 'securityhub:ListEnabledProductsForImport', Resource: hub!.Resource });
    expect(permissionsPolicy(input).Statement).toHaveLength(3);
  });

  it('gives awscli commands that create the same role and enable the integration in each Region', () => {
    const commands = cliCommands(input);
    expect(commands[0]).toContain(`--assume-role-policy-document '${JSON.stringify(trustPolicy(input))}'`);
    expect(commands[1]).toContain(`--policy-document '${JSON.stringify(permissionsPolicy(input))}'`);
    expect(commands).toContain(`aws securityhub enable-import-findings-for-product --product-arn ${input.productArns[1]} --region eu-west-1`);
  });

  it('builds a quick-create link with every template parameter filled in', () => {
    const link = new URL(quickCreateLink(input, 'https://example.com/customer-role.yaml', 'us-east-1'));
    const params = new URLSearchParams(link.hash.split('?')[1]);
    expect(link.hash.startsWith('#/stacks/create/review?')).toBe(true);
    expect(Object.fromEntries(params)).toMatchObject({
      templateURL: 'https://example.com/customer-role.yaml', param_ExternalId: 'issued-external-id',
      param_BrokerPrincipalArn: input.principals.delivery, param_VerifierPrincipalArn: input.principals.verifier,
      param_PartnerCompanyId: 'acme', param_PartnerProductId: 'scanner', param_RoleName: input.roleName,
    });
  });
});
