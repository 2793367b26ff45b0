import { describe, expect, it } from 'vitest';
import type { ProviderAttribute } from '#emulator/securityhub/finding-provider-fields.js';
import { createFinding, updateFinding } from '#emulator/securityhub/finding-provider-fields.js';
import { labelForNormalized, normalizedForLabel, withBothScales } from '#emulator/securityhub/severity.js';
import type { Finding } from '#emulator/types.js';
import { finding } from './fixtures.js';

/** A finding with none of the five provider attributes, at the top level or in FindingProviderFields. */
function bare(overrides: Record<string, unknown> = {}): Finding {
  return finding({ Types: undefined, Severity: undefined, ...overrides });
}

const PROVIDER_VALUES = {
  Confidence: 42,
  Criticality: 99,
  RelatedFindings: [{ ProductArn: 'arn:aws:securityhub:us-west-2::product/aws/guardduty', Id: 'related-1' }],
  Severity: { Label: 'MEDIUM', Normalized: 40, Original: 'MEDIUM' },
  Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
};

const TOP_LEVEL_VALUES = {
  Confidence: 10,
  Criticality: 20,
  RelatedFindings: [{ ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/inspector', Id: 'related-2' }],
  Severity: { Label: 'LOW', Normalized: 1, Original: 'low' },
  Types: ['TTPs/Discovery'],
};

const NEWER_PROVIDER_VALUES = {
  Confidence: 55,
  Criticality: 66,
  RelatedFindings: [{ ProductArn: 'arn:aws:securityhub:us-west-2::product/aws/guardduty', Id: 'related-3' }],
  Severity: { Label: 'HIGH', Normalized: 70, Original: '8.1' },
  Types: ['Effects/Data Exposure'],
};

const CUSTOMER_VALUES = {
  Confidence: 1,
  Criticality: 2,
  RelatedFindings: [{ ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/macie', Id: 'customer-picked' }],
  Severity: { Label: 'CRITICAL', Normalized: 90 },
  Types: ['Unusual Behaviors/User'],
};

const ATTRIBUTES = Object.keys(PROVIDER_VALUES) as ProviderAttribute[];
const NONE = new Set<ProviderAttribute>();
const LATER = { UpdatedAt: '2025-02-01T00:00:00Z' };

/** A held finding as createFinding makes it, then changed by a BatchUpdateFindings on `locked`. */
function heldAfterBatchUpdate(locked: ProviderAttribute[]): Finding {
  const held: Record<string, unknown> = { ...createFinding(bare({ FindingProviderFields: PROVIDER_VALUES })) };
  for (const attribute of locked) held[attribute] = CUSTOMER_VALUES[attribute];
  return held as unknown as Finding;
}

describe('Severity Label <-> Normalized (API_Severity tables)', () => {
  it('maps Normalized to Label: 0 INFORMATIONAL, 1-39 LOW, 40-69 MEDIUM, 70-89 HIGH, 90-100 CRITICAL', () => {
    const pairs = [[0, 'INFORMATIONAL'], [1, 'LOW'], [39, 'LOW'], [40, 'MEDIUM'], [69, 'MEDIUM'], [70, 'HIGH'], [89, 'HIGH'], [90, 'CRITICAL'], [100, 'CRITICAL']] as const;
    expect(pairs.map(([normalized]) => labelForNormalized(normalized))).toEqual(pairs.map(([, label]) => label));
  });

  it('maps Label to Normalized: INFORMATIONAL 0, LOW 1, MEDIUM 40, HIGH 70, CRITICAL 90', () => {
    expect(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].map(normalizedForLabel)).toEqual([0, 1, 40, 70, 90]);
  });

  it('keeps a Label and Normalized given together even when they disagree (assumption)', () => {
    expect(withBothScales({ Label: 'LOW', Normalized: 95 })).toEqual({ Label: 'LOW', Normalized: 95 });
  });
});

describe('createFinding: a new finding', () => {
  it('populates the top-level attributes from FindingProviderFields when only FindingProviderFields has them', () => {
    const created = createFinding(bare({ FindingProviderFields: PROVIDER_VALUES }));
    expect(created).toMatchObject({ ...PROVIDER_VALUES, FindingProviderFields: PROVIDER_VALUES });
  });

  it('copies top-level attributes into FindingProviderFields when only the top level has them, the whole Severity object included', () => {
    const severity = { Label: 'LOW', Normalized: 1, Original: 'low', Product: 2.5 };
    const created = createFinding(bare({ ...TOP_LEVEL_VALUES, Severity: severity }));
    expect(created.FindingProviderFields).toEqual({ ...TOP_LEVEL_VALUES, Severity: severity });
    expect(created).toMatchObject({ ...TOP_LEVEL_VALUES, Severity: severity });
  });

  it('uses the FindingProviderFields value for both places when both are given, ignoring the top-level value', () => {
    const created = createFinding(bare({ ...TOP_LEVEL_VALUES, FindingProviderFields: PROVIDER_VALUES }));
    expect(created).toMatchObject({ ...PROVIDER_VALUES, FindingProviderFields: PROVIDER_VALUES });
  });

  it('fills in Normalized for a Label-only Severity, in both places', () => {
    const fromTop = createFinding(finding({ Severity: { Label: 'HIGH', Original: '7.5' } }));
    expect(fromTop.Severity).toEqual({ Label: 'HIGH', Normalized: 70, Original: '7.5' });
    expect(fromTop.FindingProviderFields?.Severity).toEqual({ Label: 'HIGH', Normalized: 70, Original: '7.5' });
    const fromProvider = createFinding(bare({ FindingProviderFields: { Types: ['TTPs'], Severity: { Label: 'INFORMATIONAL' } } }));
    expect(fromProvider.Severity).toEqual({ Label: 'INFORMATIONAL', Normalized: 0 });
  });

  it('fills in Label for a Normalized-only Severity, in both places', () => {
    const created = createFinding(finding({ Severity: { Normalized: 45 } }));
    expect(created.Severity).toEqual({ Label: 'MEDIUM', Normalized: 45 });
    expect(created.FindingProviderFields?.Severity).toEqual({ Label: 'MEDIUM', Normalized: 45 });
  });

  it('adds no attribute and no FindingProviderFields member for an attribute given nowhere', () => {
    const created = createFinding(finding());
    expect(created).not.toHaveProperty('Confidence');
    expect(Object.keys(created.FindingProviderFields ?? {}).sort()).toEqual(['Severity', 'Types']);
  });

  it('takes Note, UserDefinedFields, VerificationState and Workflow as sent (restricted only for existing findings)', () => {
    const restricted = { Note: { Text: 'n', UpdatedBy: 'p', UpdatedAt: '2025-01-01T00:00:00Z' }, UserDefinedFields: { k: 'v' }, VerificationState: 'TRUE_POSITIVE', Workflow: { Status: 'NOTIFIED' } };
    expect(createFinding(finding(restricted))).toMatchObject(restricted);
  });

  it('leaves the finding it was given untouched', () => {
    const sent = finding({ Severity: { Label: 'LOW' } });
    createFinding(sent);
    expect(sent).toEqual(finding({ Severity: { Label: 'LOW' } }));
  });
});

describe('updateFinding: an existing finding, not changed by BatchUpdateFindings', () => {
  const held = createFinding(bare({ FindingProviderFields: PROVIDER_VALUES }));

  it('updates FindingProviderFields and replicates it to the top level when the update has FindingProviderFields only', () => {
    const updated = updateFinding(held, bare({ ...LATER, FindingProviderFields: NEWER_PROVIDER_VALUES }), NONE);
    expect(updated).toMatchObject({ ...NEWER_PROVIDER_VALUES, FindingProviderFields: NEWER_PROVIDER_VALUES });
  });

  it('overwrites FindingProviderFields with the top-level value and updates the top level when the update has the top level only', () => {
    const updated = updateFinding(held, bare({ ...LATER, ...TOP_LEVEL_VALUES }), NONE);
    expect(updated).toMatchObject({ ...TOP_LEVEL_VALUES, FindingProviderFields: TOP_LEVEL_VALUES });
  });

  it('uses both values when the update has both: FindingProviderFields from FindingProviderFields, the top level from the top level', () => {
    const updated = updateFinding(held, bare({ ...LATER, ...TOP_LEVEL_VALUES, FindingProviderFields: NEWER_PROVIDER_VALUES }), NONE);
    expect(updated).toMatchObject({ ...TOP_LEVEL_VALUES, FindingProviderFields: NEWER_PROVIDER_VALUES });
  });

  it('keeps both the FindingProviderFields and the top-level value of an attribute the update gives nowhere (assumption)', () => {
    const updated = updateFinding(held, bare({ ...LATER, FindingProviderFields: { Types: ['TTPs'], Severity: { Label: 'LOW' } } }), NONE);
    const { Confidence, Criticality, RelatedFindings } = PROVIDER_VALUES;
    expect(updated).toMatchObject({ Confidence, Criticality, RelatedFindings, Types: ['TTPs'] });
    expect(updated.FindingProviderFields).toMatchObject({ Confidence, Criticality, RelatedFindings, Types: ['TTPs'] });
  });

  it('fills in the missing one of Label / Normalized on an update too (assumption)', () => {
    const updated = updateFinding(held, bare({ ...LATER, FindingProviderFields: { Types: ['TTPs'], Severity: { Normalized: 75 } } }), NONE);
    expect(updated.Severity).toEqual({ Label: 'HIGH', Normalized: 75 });
  });

  it('takes the other attributes from the update as sent', () => {
    expect(updateFinding(held, bare({ ...LATER, Title: 'renamed' }), NONE)).toMatchObject({ Title: 'renamed', UpdatedAt: LATER.UpdatedAt });
  });
});

describe('updateFinding: an existing finding whose top-level attributes BatchUpdateFindings has set', () => {
  it('updates FindingProviderFields but not the top level when the update has FindingProviderFields only', () => {
    const updated = updateFinding(heldAfterBatchUpdate(ATTRIBUTES), bare({ ...LATER, FindingProviderFields: NEWER_PROVIDER_VALUES }), new Set(ATTRIBUTES));
    expect(updated).toMatchObject({ ...CUSTOMER_VALUES, FindingProviderFields: NEWER_PROVIDER_VALUES });
  });

  it('overwrites FindingProviderFields with the top-level value but keeps the top level when the update has the top level only', () => {
    const updated = updateFinding(heldAfterBatchUpdate(ATTRIBUTES), bare({ ...LATER, ...TOP_LEVEL_VALUES }), new Set(ATTRIBUTES));
    expect(updated).toMatchObject({ ...CUSTOMER_VALUES, FindingProviderFields: TOP_LEVEL_VALUES });
  });

  it('updates FindingProviderFields but not the top level when the update has both', () => {
    const updated = updateFinding(heldAfterBatchUpdate(ATTRIBUTES), bare({ ...LATER, ...TOP_LEVEL_VALUES, FindingProviderFields: NEWER_PROVIDER_VALUES }), new Set(ATTRIBUTES));
    expect(updated).toMatchObject({ ...CUSTOMER_VALUES, FindingProviderFields: NEWER_PROVIDER_VALUES });
  });

  it('protects only the attributes BatchUpdateFindings set; the others still follow the provider', () => {
    const updated = updateFinding(heldAfterBatchUpdate(['Severity']), bare({ ...LATER, FindingProviderFields: NEWER_PROVIDER_VALUES }), new Set<ProviderAttribute>(['Severity']));
    expect(updated).toMatchObject({ ...NEWER_PROVIDER_VALUES, Severity: CUSTOMER_VALUES.Severity });
  });

  it("keeps the customer's top-level value of an attribute the update gives nowhere (assumption)", () => {
    const updated = updateFinding(heldAfterBatchUpdate(['Confidence']), bare({ ...LATER, FindingProviderFields: { Types: ['TTPs'], Severity: { Label: 'LOW' } } }), new Set<ProviderAttribute>(['Confidence']));
    expect(updated.Confidence).toBe(CUSTOMER_VALUES.Confidence);
    expect(updated.FindingProviderFields?.Confidence).toBe(PROVIDER_VALUES.Confidence);
  });
});

describe('updateFinding: restricted attributes', () => {
  const customerSide = { Note: { Text: 'triaged', UpdatedBy: 'analyst', UpdatedAt: '2025-01-15T00:00:00Z' }, UserDefinedFields: { ticket: 'SEC-1' }, VerificationState: 'TRUE_POSITIVE', Workflow: { Status: 'NOTIFIED' } };
  const providerSide = { Note: { Text: 'provider note', UpdatedBy: 'scanner', UpdatedAt: '2025-02-01T00:00:00Z' }, UserDefinedFields: { from: 'provider' }, VerificationState: 'FALSE_POSITIVE', Workflow: { Status: 'RESOLVED' } };

  it('ignores Note, UserDefinedFields, VerificationState and Workflow in an update and keeps the held values', () => {
    const held = createFinding(finding(customerSide));
    expect(updateFinding(held, finding({ ...LATER, ...providerSide }), NONE)).toMatchObject(customerSide);
  });

  it('does not add them either when the held finding has none', () => {
    const updated = updateFinding(createFinding(finding()), finding({ ...LATER, ...providerSide }), NONE);
    for (const attribute of Object.keys(providerSide)) expect(updated).not.toHaveProperty(attribute);
  });
});
