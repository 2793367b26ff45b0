/**
 * Fields a finding provider should not set with BatchImportFindings (API reference,
 * BatchImportFindings; user guide, "Using FindingProviderFields"). Security Hub does not reject
 * them, so neither do we: they come back as warnings, and the finding is forwarded as sent.
 */
import type { Issue } from './ajv-issues.js';

/** Owned by the customer's investigation: BatchImportFindings cannot change them once the finding exists. */
export const CUSTOMER_OWNED_FIELDS = ['Note', 'UserDefinedFields', 'VerificationState', 'Workflow', 'WorkflowState'] as const;

/** The provider's own copies of these live in FindingProviderFields; the top-level ones are the customer's. */
export const PROVIDER_FIELDS = ['Confidence', 'Criticality', 'RelatedFindings', 'Severity', 'Types'] as const;

export function partnerFieldWarnings(finding: Record<string, unknown>, root: string): Issue[] {
  const warnings: Issue[] = [];
  for (const field of CUSTOMER_OWNED_FIELDS) {
    if (finding[field] === undefined) continue;
    const path = `${root}.${field}`;
    warnings.push({
      path,
      rule: 'partnerMustNotSet',
      message: `${path} belongs to the customer: Security Hub uses it only when it creates the finding and keeps the customer's value (set with BatchUpdateFindings) on every update. Leave it out.`,
    });
  }
  const provider = finding.FindingProviderFields;
  const providerFields = provider !== null && typeof provider === 'object' ? (provider as Record<string, unknown>) : {};
  for (const field of PROVIDER_FIELDS) {
    if (finding[field] === undefined || providerFields[field] !== undefined) continue;
    const path = `${root}.${field}`;
    warnings.push({
      path,
      rule: 'partnerMustNotSet',
      message: `${path} at the top level is the customer's copy: Security Hub keeps the customer's value once they change it with BatchUpdateFindings, and ignores your updates to it. Send FindingProviderFields.${field} instead.`,
    });
  }
  return warnings;
}
