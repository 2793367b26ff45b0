import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';

/**
 * The finding verification imports to prove the role may call BatchImportFindings for the product:
 * the real call's answer is the only proof that covers the role's policy, SCPs and RCPs alike. One
 * finding per account+Region with a fixed Id, so re-verifying updates it instead of adding findings
 * (a later UpdatedAt is an update: user guide, "Using BatchImportFindings to create and update
 * findings"); INFORMATIONAL and ARCHIVED, so it stays out of the customer's active findings, like the
 * heartbeat finding the partner guide recommends. Security Hub bills it as one ingested finding.
 */
export function verificationFinding(input: { accountId: string; productArn: string; roleArn: string; at: Date }): AwsSecurityFinding {
  const region = input.productArn.split(':')[3] ?? '';
  const at = input.at.toISOString();
  return {
    SchemaVersion: '2018-10-08',
    Id: `securityhub-findings-broker/verification/${input.accountId}/${region}`,
    ProductArn: input.productArn,
    GeneratorId: 'securityhub-findings-broker/verification',
    AwsAccountId: input.accountId,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
    CreatedAt: at,
    UpdatedAt: at,
    FindingProviderFields: { Severity: { Label: 'INFORMATIONAL', Original: 'INFORMATIONAL' }, Types: ['Software and Configuration Checks/Industry and Regulatory Standards'] },
    Severity: { Label: 'INFORMATIONAL', Original: 'INFORMATIONAL' },
    Title: 'Security Hub findings broker: connection verified',
    Description: 'The findings broker verified that it can import this partner\'s findings into this account and Region. This finding is archived and needs no action.',
    Resources: [{ Type: 'AwsIamRole', Id: input.roleArn, Region: region }],
    RecordState: 'ARCHIVED',
  };
}
