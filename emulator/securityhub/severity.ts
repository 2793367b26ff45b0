/**
 * Severity.Label <-> Severity.Normalized, as Security Hub fills in the one a finding or an update
 * leaves out. The two tables are the API reference's, on the Severity shape
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Severity.html, members Label and
 * Normalized; same text in botocore's securityhub/2018-10-26 model, shapes Severity and
 * SeverityUpdate). The ASFF Severity attribute
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html#Severity)
 * says the same fill-in happens and points to that page for the values.
 */
import type { SeverityLabel } from '@aws-sdk/client-securityhub';

/** "If you provide Label and don't provide Normalized, then Normalized is set automatically" (Severity.Normalized). */
const NORMALIZED_FOR_LABEL: Record<string, number> = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 40, HIGH: 70, CRITICAL: 90 };

/**
 * "If you provide Normalized and don't provide Label, then Label is set automatically":
 * 0 INFORMATIONAL, 1-39 LOW, 40-69 MEDIUM, 70-89 HIGH, 90-100 CRITICAL (Severity.Label).
 */
export function labelForNormalized(normalized: number): SeverityLabel {
  if (normalized <= 0) return 'INFORMATIONAL';
  if (normalized < 40) return 'LOW';
  if (normalized < 70) return 'MEDIUM';
  if (normalized < 90) return 'HIGH';
  return 'CRITICAL';
}

/** undefined for a label outside the SeverityLabel enum (the callers have already refused those). */
export function normalizedForLabel(label: string): number | undefined {
  return NORMALIZED_FOR_LABEL[label];
}

export interface SeverityValue {
  Label?: string;
  Normalized?: number;
  Original?: string;
  Product?: number;
  [member: string]: unknown;
}

/**
 * A copy of `severity` with the missing one of Label / Normalized filled in when exactly one is
 * present. Both present are kept as given, even when they disagree with the tables.
 * Assumption: a Label and Normalized given together are not reconciled; the documents only describe
 * filling in the one that is missing.
 */
export function withBothScales(severity: SeverityValue): SeverityValue {
  const copy = { ...severity };
  const hasLabel = typeof copy.Label === 'string';
  const hasNormalized = typeof copy.Normalized === 'number';
  if (hasLabel && !hasNormalized) {
    const normalized = normalizedForLabel(copy.Label!);
    if (normalized !== undefined) copy.Normalized = normalized;
  } else if (hasNormalized && !hasLabel) {
    copy.Label = labelForNormalized(copy.Normalized!);
  }
  return copy;
}
