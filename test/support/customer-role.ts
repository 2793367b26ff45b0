import { permissionsPolicy } from '#shared/onboarding/role-documents.js';
import { generateExternalId } from '#shared/registry/external-id.js';

/**
 * The role a customer creates for the broker, as the emulator's putRole (or its admin route) takes it:
 * trusting the delivery principal with the customer's ExternalId (or, for a broken setup, another one),
 * with exactly the least-privilege policy the onboarding API hands out. One definition for the tests'
 * in-process stack and the benchmark's separate services.
 */
export function customerRole(options: {
  accountId: string;
  partnerId: string;
  productArn: string;
  externalId: string;
  trust: 'external-id' | 'wrong-external-id';
  principals: { delivery: string; verifier: string };
}): { accountId: string; roleName: string; trustPolicy: object; permissionPolicies: Record<string, object> } {
  const { accountId, externalId, principals } = options;
  const roleName = `SecurityHubFindingsBroker-${options.partnerId}`;
  return {
    accountId, roleName,
    trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principals.delivery }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': options.trust === 'external-id' ? externalId : generateExternalId() } } }] },
    permissionPolicies: { SecurityHubFindingsBrokerImport: permissionsPolicy({ accountId, externalId, roleName, productArns: [options.productArn], principals }) },
  };
}
