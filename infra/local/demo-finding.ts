/**
 * The finding `npm start` prints a curl for: a newcomer's first post, so it follows the docs' own
 * advice (docs/validation.md, Warnings): Types and Severity in FindingProviderFields, where a partner
 * sets them, so it draws no warning. UpdatedAt is the start's time: the same curl pasted twice shows
 * the second version `ignored` (StaleUpdatedAt), and a restart prints a newer one.
 */
export function demoFinding(productArn: string, accountId: string, region: string, updatedAt: Date): Record<string, unknown> {
  return {
    SchemaVersion: '2018-10-08', Id: 'demo-finding-1', ProductArn: productArn, GeneratorId: 'demo-generator',
    AwsAccountId: accountId, CreatedAt: '2026-01-01T00:00:00Z', UpdatedAt: updatedAt.toISOString(),
    FindingProviderFields: { Types: ['Software and Configuration Checks/Vulnerabilities/CVE'], Severity: { Label: 'HIGH' } },
    Title: 'Demo finding', Description: 'A finding posted through the local broker.',
    Resources: [{ Type: 'AwsEc2Instance', Id: `arn:aws:ec2:${region}:${accountId}:instance/i-0123456789abcdef0` }],
  };
}
