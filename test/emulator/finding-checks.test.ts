import { describe, expect, it } from 'vitest';
import { findingProblems } from '#emulator/securityhub/finding-checks.js';
import { finding } from './fixtures.js';

function problemsOf(overrides: Record<string, unknown>): string[] {
  return findingProblems(finding(overrides));
}

describe("the emulator's ASFF checks (Security Hub's per-finding InvalidInput)", () => {
  it('accepts a complete finding', () => {
    expect(findingProblems(finding())).toEqual([]);
  });

  it('names each missing required top-level field', () => {
    for (const field of ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'CreatedAt', 'UpdatedAt', 'Title', 'Description', 'Resources']) {
      expect(problemsOf({ [field]: undefined })).toContain(`data should have required property '${field}'`);
    }
  });

  it('enforces lengths, the SchemaVersion, the account id and the product ARN shape', () => {
    expect(problemsOf({ SchemaVersion: '2019-01-01' })).toEqual(['data.SchemaVersion should be equal to one of the allowed values']);
    expect(problemsOf({ Id: 'i'.repeat(513) })).toEqual(['data.Id should NOT be longer than 512 characters']);
    expect(problemsOf({ GeneratorId: '' })).toEqual(['data.GeneratorId should NOT be shorter than 1 characters']);
    expect(problemsOf({ Description: 'd'.repeat(1025) })).toEqual(['data.Description should NOT be longer than 1024 characters']);
    expect(problemsOf({ AwsAccountId: '12345' })[0]).toMatch(/^data\.AwsAccountId should match pattern/);
    expect(problemsOf({ ProductArn: 'arn:aws:s3:::bucket' })[0]).toMatch(/^data\.ProductArn should match pattern/);
  });

  it("accepts the API reference's timestamp forms: Z, +HH:MM, -HHMM, up to nine fractional digits", () => {
    for (const at of ['2025-01-01T00:00:00Z', '2025-01-01T00:00:00.123456789Z', '2024-01-04T15:25:10+17:59', '2024-01-04T15:25:10-1759', '2024-01-04T15:25:10.5+05']) {
      expect(problemsOf({ CreatedAt: at }), at).toEqual([]);
    }
  });

  it('refuses timestamps without a zone, past nine fractional digits, lower-case, off the calendar or beyond ±18:00', () => {
    for (const at of ['2025-01-01T00:00:00', '2025-01-01T00:00:00.1234567890Z', '2025-01-01t00:00:00z', '2024-02-30T11:30:00Z', '2025-13-01T00:00:00Z', '2025-01-01T00:00:00+19:00']) {
      expect(problemsOf({ CreatedAt: at }), at).toEqual(['data.CreatedAt should match format "date-time"']);
    }
  });

  it('counts lengths in characters, not UTF-16 units', () => {
    expect(problemsOf({ Title: '😀'.repeat(256) })).toEqual([]);
    expect(problemsOf({ Title: '😀'.repeat(257) })).toEqual(['data.Title should NOT be longer than 256 characters']);
  });

  it('requires 1-32 Resources, each with Type and Id', () => {
    expect(problemsOf({ Resources: [] })).toEqual(['data.Resources should NOT have fewer than 1 items']);
    expect(problemsOf({ Resources: Array.from({ length: 33 }, (_, i) => ({ Type: 'Other', Id: `r${i}` })) })).toEqual(['data.Resources should NOT have more than 32 items']);
    expect(problemsOf({ Resources: [{ Type: 'Other' }] })).toEqual(["data.Resources[0] should have required property 'Id'"]);
  });

  it('accepts Types and Severity from FindingProviderFields instead of the top level', () => {
    const fromProvider = { Types: undefined, Severity: undefined, FindingProviderFields: { Types: ['TTPs/Discovery'], Severity: { Label: 'LOW' } } };
    expect(problemsOf(fromProvider)).toEqual([]);
    expect(problemsOf({ Severity: undefined })).toEqual(["data should have required property 'FindingProviderFields', data should match some schema in anyOf"]);
    expect(problemsOf({ Severity: undefined, FindingProviderFields: { Types: ['TTPs'] } })).toEqual(["data.FindingProviderFields should have required property 'Severity'"]);
    expect(problemsOf({ FindingProviderFields: { Severity: { Original: '9.8' } } })).toEqual([]);
    expect(problemsOf({ Severity: undefined, FindingProviderFields: { Severity: { Original: '9.8' } } })).toEqual(["data.FindingProviderFields.Severity should have required property 'Label'"]);
  });

  it('checks Types against the five ASFF namespaces and 1-50 entries', () => {
    expect(problemsOf({ Types: ['Sensitive Data Identifications/PII'] })).toEqual([]);
    expect(problemsOf({ Types: ['Vulnerabilities/CVE'] })[0]).toMatch(/^data\.Types\[0\] should match pattern/);
    expect(problemsOf({ Types: [] })).toEqual(['data.Types should NOT have fewer than 1 items']);
    expect(problemsOf({ Types: Array(51).fill('Effects/Data Exposure') })).toEqual(['data.Types should NOT have more than 50 items']);
  });

  it('checks Severity Label and Normalized', () => {
    expect(problemsOf({ Severity: { Label: 'SEVERE' } })).toEqual(['data.Severity.Label should be equal to one of the allowed values']);
    expect(problemsOf({ Severity: { Normalized: 40 } })).toEqual([]);
    expect(problemsOf({ Severity: { Normalized: 101 } })).toEqual(['data.Severity.Normalized should be <= 100']);
    expect(problemsOf({ Severity: {} })).toEqual(["data.Severity should have required property 'Label'"]);
  });

  it('checks the enumerations of RecordState, Workflow.Status and Compliance.Status', () => {
    expect(problemsOf({ RecordState: 'DELETED' })).toEqual(['data.RecordState should be equal to one of the allowed values']);
    expect(problemsOf({ Workflow: { Status: 'OPEN' } })).toEqual(['data.Workflow.Status should be equal to one of the allowed values']);
    expect(problemsOf({ Compliance: { Status: 'OK' } })).toEqual(['data.Compliance.Status should be equal to one of the allowed values']);
  });

  it('caps RelatedFindings, Malware and ThreatIntelIndicators, and requires their members', () => {
    expect(problemsOf({ RelatedFindings: Array(11).fill({ ProductArn: 'p', Id: 'i' }) })).toEqual(['data.RelatedFindings should NOT have more than 10 items']);
    expect(problemsOf({ RelatedFindings: [{ Id: 'i' }] })).toEqual(["data.RelatedFindings[0] should have required property 'ProductArn'"]);
    expect(problemsOf({ Malware: Array(6).fill({ Name: 'm' }) })).toEqual(['data.Malware should NOT have more than 5 items']);
    expect(problemsOf({ Malware: [{ Type: 'WORM' }] })).toEqual(["data.Malware[0] should have required property 'Name'"]);
    expect(problemsOf({ ThreatIntelIndicators: Array(6).fill({}) })).toEqual(['data.ThreatIntelIndicators should NOT have more than 5 items']);
  });

  it('checks Remediation text and Note', () => {
    expect(problemsOf({ Remediation: { Recommendation: { Text: 'r'.repeat(513) } } })).toEqual(['data.Remediation.Recommendation.Text should NOT be longer than 512 characters']);
    expect(problemsOf({ Note: { Text: 'n' } })).toEqual(["data.Note should have required property 'UpdatedBy'", "data.Note should have required property 'UpdatedAt'"]);
    expect(problemsOf({ Note: { Text: 'n', UpdatedBy: 'me', UpdatedAt: '2025-01-01T00:00:00Z' } })).toEqual([]);
  });

  it('checks the other members the model documents as timestamps, top-level and nested', () => {
    expect(problemsOf({ ProcessedAt: 'yesterday' })).toEqual(['data.ProcessedAt should match format "date-time"']);
    expect(problemsOf({ FirstObservedAt: '2025-01-01', LastObservedAt: '2025-01-01T00:00:00' })).toEqual([
      'data.FirstObservedAt should match format "date-time"',
      'data.LastObservedAt should match format "date-time"',
    ]);
    expect(problemsOf({
      Process: { LaunchedAt: '2025-01-01T00:00:00Z', TerminatedAt: 'later' },
      ThreatIntelIndicators: [{ Type: 'DOMAIN', LastObservedAt: '2025-01-01T00:00:00Z' }, { Type: 'URL', LastObservedAt: '1735689600' }],
      Vulnerabilities: [{ Id: 'CVE-1', Vendor: { Name: 'NVD', VendorCreatedAt: '2025-01-01T00:00:00Z', VendorUpdatedAt: '2025-01-01 00:00:00Z' } }],
      PatchSummary: { Id: 'p', OperationStartTime: '2025-01-01T00:00:00+01:00', OperationEndTime: 'never' },
      Action: { ActionType: 'AWS_API_CALL', AwsApiCallAction: { FirstSeen: '2025-02-30T00:00:00Z', LastSeen: '2025-01-01T00:00:00Z' } },
    })).toEqual([
      'data.Process.TerminatedAt should match format "date-time"',
      'data.PatchSummary.OperationEndTime should match format "date-time"',
      'data.ThreatIntelIndicators[1].LastObservedAt should match format "date-time"',
      'data.Vulnerabilities[0].Vendor.VendorUpdatedAt should match format "date-time"',
      'data.Action.AwsApiCallAction.FirstSeen should match format "date-time"',
    ]);
  });

  it('refuses blank strings where the model says NonEmptyString (pattern .*\\S.*)', () => {
    const blank = (path: string) => `${path} should match pattern ".*\\S.*"`;
    expect(problemsOf({ Title: '   ' })).toEqual([blank('data.Title')]);
    expect(problemsOf({ Description: '\n\t' })).toEqual([blank('data.Description')]);
    expect(problemsOf({ GeneratorId: '\u00a0' })).toEqual([blank('data.GeneratorId')]);
    expect(problemsOf({ Resources: [{ Type: ' ', Id: 'r' }] })).toEqual([blank('data.Resources[0].Type')]);
    expect(problemsOf({ Title: '  padded  ', Description: 'two\nlines' })).toEqual([]);
    expect(problemsOf({ Title: '' })).toEqual(['data.Title should NOT be shorter than 1 characters']);
  });

  it('requires at least one item in RelatedFindings, ThreatIntelIndicators and Threats when present', () => {
    expect(problemsOf({ RelatedFindings: [] })).toEqual(['data.RelatedFindings should NOT have fewer than 1 items']);
    expect(problemsOf({ ThreatIntelIndicators: [] })).toEqual(['data.ThreatIntelIndicators should NOT have fewer than 1 items']);
    expect(problemsOf({ Threats: [] })).toEqual(['data.Threats should NOT have fewer than 1 items']);
    expect(problemsOf({ Threats: Array(33).fill({ Name: 't' }) })).toEqual(['data.Threats should NOT have more than 32 items']);
    expect(problemsOf({ Malware: [] })).toEqual([]);
  });

  it('caps Severity.Original at 64 characters, at the top level and in FindingProviderFields', () => {
    expect(problemsOf({ Severity: { Label: 'LOW', Original: 'o'.repeat(64) } })).toEqual([]);
    expect(problemsOf({ Severity: { Label: 'LOW', Original: 'o'.repeat(65) } })).toEqual(['data.Severity.Original should NOT be longer than 64 characters']);
    expect(problemsOf({ FindingProviderFields: { Severity: { Label: 'LOW', Original: 'o'.repeat(65) } } }))
      .toEqual(['data.FindingProviderFields.Severity.Original should NOT be longer than 64 characters']);
  });

  it('checks the documented enums of Network, Malware, ThreatIntelIndicators, Vulnerabilities, Resources and VerificationState', () => {
    const notAllowed = (path: string) => `${path} should be equal to one of the allowed values`;
    expect(problemsOf({ Network: { Direction: 'SIDEWAYS' } })).toEqual([notAllowed('data.Network.Direction')]);
    expect(problemsOf({ Malware: [{ Name: 'm', Type: 'WORM', State: 'GONE' }] })).toEqual([notAllowed('data.Malware[0].State')]);
    expect(problemsOf({ ThreatIntelIndicators: [{ Type: 'domain', Category: 'BACKDOOR' }] })).toEqual([notAllowed('data.ThreatIntelIndicators[0].Type')]);
    expect(problemsOf({ Vulnerabilities: [{ Id: 'CVE-1', FixAvailable: 'PARTIAL', ExploitAvailable: 'PARTIAL' }] }))
      .toEqual([notAllowed('data.Vulnerabilities[0].ExploitAvailable')]);
    expect(problemsOf({ Resources: [{ Type: 'Other', Id: 'r', Partition: 'aws-iso' }] })).toEqual([notAllowed('data.Resources[0].Partition')]);
    expect(problemsOf({ VerificationState: 'TRUE_POSITIVE', Network: { Direction: 'IN' } })).toEqual([]);
    expect(problemsOf({ VerificationState: 'MAYBE' })).toEqual([notAllowed('data.VerificationState')]);
  });

  it('reports a container of the wrong type once, however many checks reach into it', () => {
    expect(problemsOf({ Network: 'OUT' })).toEqual(['data.Network should be object']);
    expect(problemsOf({ ThreatIntelIndicators: { Type: 'DOMAIN' } })).toEqual(['data.ThreatIntelIndicators should be array']);
  });

  it('requires Remediation text to be non-empty and sets no length on Note.UpdatedBy (none documented)', () => {
    expect(problemsOf({ Remediation: { Recommendation: { Text: '' } } })).toEqual(['data.Remediation.Recommendation.Text should NOT be shorter than 1 characters']);
    expect(problemsOf({ Note: { Text: 'n', UpdatedBy: 'u'.repeat(600), UpdatedAt: '2025-01-01T00:00:00Z' } })).toEqual([]);
  });

  it('refuses a finding over 240 KB serialized', () => {
    expect(problemsOf({ ProductFields: { blob: 'x'.repeat(240 * 1024) } })).toEqual(['Finding size exceeds the maximum of 240 KB']);
  });
});
