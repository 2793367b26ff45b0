import { describe, expect, it } from 'vitest';
import { MAX_FINDING_BYTES } from '../../../shared/limits.js';
import { validateFinding, validateFindings } from '../../../shared/asff/validate.js';
import {
  aFinding,
  aMisconfigurationFinding,
  aProviderFieldsFinding,
  aResource,
  aSensitiveDataFinding,
  aThreatFinding,
  aVulnerabilityFinding,
  type Finding,
  PRODUCT_ARN,
  REMOVE,
  times,
  withPath,
} from './finding-factory.js';

const x = (count: number) => 'x'.repeat(count);
const relatedFinding = (i: number) => ({ ProductArn: PRODUCT_ARN, Id: `related-${i}` });
const malware = (i: number) => ({ Name: `malware-${i}` });
const indicator = (i: number) => ({ Type: 'IPV4_ADDRESS', Value: `198.51.100.${i}` });
/** A finding of exactly `bytes` bytes as JSON, padded with resource details that carry no length limit. */
const findingOfBytes = (bytes: number) => {
  const padded = (pad: number) => withPath(aFinding({ Id: 'padded' }), 'Resources[0].Details.Other', { blob: x(pad) });
  const overhead = Buffer.byteLength(JSON.stringify(padded(0)));
  const finding = padded(bytes - overhead);
  expect(Buffer.byteLength(JSON.stringify(finding))).toBe(bytes);
  return finding;
};

describe('validateFinding accepts valid findings', () => {
  const valid: Array<[string, Finding]> = [
    ['a minimal finding with top-level Types and Severity', aFinding()],
    ['a vulnerability finding with Vulnerabilities[]', aVulnerabilityFinding()],
    ['a misconfiguration finding with Compliance', aMisconfigurationFinding()],
    ['a threat finding with Network, Process, Malware and ThreatIntelIndicators', aThreatFinding()],
    ['a sensitive-data finding with DataClassification', aSensitiveDataFinding()],
    ['a finding with Types and Severity only in FindingProviderFields', aProviderFieldsFinding()],
    ['a Severity with only the deprecated Normalized', aFinding({ Severity: { Normalized: 40 } })],
    ['a custom-integration ProductArn with an account', aFinding({ ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default' })],
    ['a ProductArn in aws-cn', aFinding({ ProductArn: 'arn:aws-cn:securityhub:cn-north-1::product/acme/scanner' })],
    ['a ProductArn in aws-us-gov', aFinding({ ProductArn: 'arn:aws-us-gov:securityhub:us-gov-west-1::product/acme/scanner' })],
    ['timestamps with 9 fractional digits and offsets', aFinding({ CreatedAt: '2024-05-01T10:00:00.123456789+05:30', UpdatedAt: '2024-05-01T10:00:00-0800' })],
    ['CreatedAt equal to UpdatedAt', aFinding({ CreatedAt: '2024-05-01T10:00:00Z', UpdatedAt: '2024-05-01T10:00:00.000Z' })],
    ['a CreatedAt later on the wall clock but earlier in UTC', aFinding({ CreatedAt: '2024-05-01T10:00:00+02:00', UpdatedAt: '2024-05-01T09:00:00Z' })],
    ['Types with a namespace only, and namespace/category', aFinding({ Types: ['Effects', 'TTPs/Discovery'] })],
    ['every list and string at its documented maximum', aFinding({
      Id: x(512), GeneratorId: x(512), Title: x(256), Description: x(1024),
      Types: times(50, () => 'Effects/Data Exposure'), Resources: times(32, () => aResource()),
      RelatedFindings: times(10, relatedFinding), Malware: times(5, malware), ThreatIntelIndicators: times(5, indicator),
      Remediation: { Recommendation: { Text: x(512) } }, Confidence: 100, Criticality: 0,
    })],
    ['a finding of exactly 240 KB', findingOfBytes(MAX_FINDING_BYTES)],
  ];

  it.each(valid)('accepts %s', (_name, finding) => {
    const verdict = validateFinding(finding, 0);
    expect(verdict.errors).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(verdict.warnings.filter((w) => w.rule === 'unknownField')).toEqual([]);
  });
});

type InvalidCase = [name: string, finding: Finding, path: string, rule: string];

const set = (path: string, value: unknown, base: Finding = aFinding()) => withPath(base, path, value);
const drop = (path: string, base: Finding = aFinding()) => withPath(base, path, REMOVE);

describe('validateFinding rejects invalid findings with the exact path and rule', () => {
  const invalid: InvalidCase[] = [
    // required members and SchemaVersion
    ['SchemaVersion missing', drop('SchemaVersion'), 'Findings[0].SchemaVersion', 'required'],
    ['SchemaVersion not 2018-10-08', set('SchemaVersion', '2018-10-09'), 'Findings[0].SchemaVersion', 'const'],
    ['Id missing', drop('Id'), 'Findings[0].Id', 'required'],
    ['Id empty', set('Id', ''), 'Findings[0].Id', 'minLength'],
    ['Id over 512 characters', set('Id', x(513)), 'Findings[0].Id', 'maxLength'],
    ['Id only whitespace', set('Id', '   '), 'Findings[0].Id', 'pattern'],
    ['GeneratorId over 512 characters', set('GeneratorId', x(513)), 'Findings[0].GeneratorId', 'maxLength'],
    ['Title missing', drop('Title'), 'Findings[0].Title', 'required'],
    ['Title over 256 characters', set('Title', x(257)), 'Findings[0].Title', 'maxLength'],
    ['Description over 1024 characters', set('Description', x(1025)), 'Findings[0].Description', 'maxLength'],
    // ProductArn and account
    ['ProductArn missing', drop('ProductArn'), 'Findings[0].ProductArn', 'required'],
    ['ProductArn in an unknown partition', set('ProductArn', 'arn:aws-moon:securityhub:us-east-1::product/acme/scanner'), 'Findings[0].ProductArn', 'pattern'],
    ['ProductArn Region of another partition', set('ProductArn', 'arn:aws:securityhub:cn-north-1::product/acme/scanner'), 'Findings[0].ProductArn', 'pattern'],
    ['ProductArn with a made-up Region', set('ProductArn', 'arn:aws:securityhub:us-east-9::product/acme/scanner'), 'Findings[0].ProductArn', 'pattern'],
    ['ProductArn of another service', set('ProductArn', 'arn:aws:guardduty:us-east-1::product/acme/scanner'), 'Findings[0].ProductArn', 'pattern'],
    ['ProductArn with a malformed account', set('ProductArn', 'arn:aws:securityhub:us-east-1:acme:product/acme/scanner'), 'Findings[0].ProductArn', 'pattern'],
    ['ProductArn without product/<company>/<product>', set('ProductArn', 'arn:aws:securityhub:us-east-1::product/acme'), 'Findings[0].ProductArn', 'pattern'],
    ['AwsAccountId of 11 digits', set('AwsAccountId', '11112222333'), 'Findings[0].AwsAccountId', 'pattern'],
    ['AwsAccountId as a number', set('AwsAccountId', 111122223333), 'Findings[0].AwsAccountId', 'type'],
    // Types
    ['Types missing with no FindingProviderFields', drop('Types'), 'Findings[0].Types', 'required'],
    ['Types empty', set('Types', []), 'Findings[0].Types', 'minItems'],
    ['Types over 50 items', set('Types', times(51, () => 'Effects')), 'Findings[0].Types', 'maxItems'],
    ['Types with an unknown namespace', set('Types', ['Vulnerabilities/CVE']), 'Findings[0].Types[0]', 'pattern'],
    ['Types with a lower-case namespace', set('Types', ['ttps/Discovery']), 'Findings[0].Types[0]', 'pattern'],
    ['Types with an empty category', set('Types', ['TTPs/']), 'Findings[0].Types[0]', 'pattern'],
    ['Types with more than namespace/category/classifier', set('Types', ['TTPs/Discovery/Scan/Deep']), 'Findings[0].Types[0]', 'pattern'],
    ['FindingProviderFields.Types with an unknown namespace', set('FindingProviderFields.Types', ['Bad/Type'], aProviderFieldsFinding()), 'Findings[0].FindingProviderFields.Types[0]', 'pattern'],
    ['FindingProviderFields.Types over 50 items', set('FindingProviderFields.Types', times(51, () => 'TTPs'), aProviderFieldsFinding()), 'Findings[0].FindingProviderFields.Types', 'maxItems'],
    // Severity, Confidence, Criticality
    ['Severity missing with no FindingProviderFields', drop('Severity'), 'Findings[0].Severity', 'required'],
    ['Severity with neither Label nor Normalized', set('Severity', { Original: '9' }), 'Findings[0].Severity.Label', 'required'],
    ['Severity.Label not in the enum', set('Severity.Label', 'SEVERE'), 'Findings[0].Severity.Label', 'enum'],
    ['Severity.Normalized over 100', set('Severity', { Normalized: 101 }), 'Findings[0].Severity.Normalized', 'maximum'],
    ['Severity.Normalized under 0', set('Severity', { Normalized: -1 }), 'Findings[0].Severity.Normalized', 'minimum'],
    ['Severity.Normalized not an integer', set('Severity', { Normalized: 5.5 }), 'Findings[0].Severity.Normalized', 'type'],
    ['Severity.Original over 64 characters', set('Severity.Original', x(65)), 'Findings[0].Severity.Original', 'maxLength'],
    ['FindingProviderFields.Severity without a Label', set('FindingProviderFields.Severity', { Original: 'high' }, aProviderFieldsFinding()), 'Findings[0].FindingProviderFields.Severity.Label', 'required'],
    ['FindingProviderFields.Severity.Label not in the enum', set('FindingProviderFields.Severity.Label', 'URGENT', aProviderFieldsFinding()), 'Findings[0].FindingProviderFields.Severity.Label', 'enum'],
    ['Confidence over 100', set('Confidence', 101), 'Findings[0].Confidence', 'maximum'],
    ['Criticality under 0', set('Criticality', -1), 'Findings[0].Criticality', 'minimum'],
    ['FindingProviderFields.Confidence over 100', set('FindingProviderFields.Confidence', 101, aProviderFieldsFinding()), 'Findings[0].FindingProviderFields.Confidence', 'maximum'],
    // Resources
    ['Resources missing', drop('Resources'), 'Findings[0].Resources', 'required'],
    ['Resources empty', set('Resources', []), 'Findings[0].Resources', 'minItems'],
    ['Resources over 32 items', set('Resources', times(33, () => aResource())), 'Findings[0].Resources', 'maxItems'],
    ['a Resource without Type', drop('Resources[0].Type'), 'Findings[0].Resources[0].Type', 'required'],
    ['the second Resource without Id', drop('Resources[1].Id', aFinding({ Resources: [aResource(), aResource()] })), 'Findings[0].Resources[1].Id', 'required'],
    ['a Resource Type over 256 characters', set('Resources[0].Type', x(257)), 'Findings[0].Resources[0].Type', 'maxLength'],
    ['a Resource Partition not in the enum', set('Resources[0].Partition', 'aws-moon'), 'Findings[0].Resources[0].Partition', 'enum'],
    // lists with documented bounds
    ['RelatedFindings over 10 items', set('RelatedFindings', times(11, relatedFinding)), 'Findings[0].RelatedFindings', 'maxItems'],
    ['a RelatedFinding without Id', set('RelatedFindings', [{ ProductArn: PRODUCT_ARN }]), 'Findings[0].RelatedFindings[0].Id', 'required'],
    ['Malware over 5 items', set('Malware', times(6, malware)), 'Findings[0].Malware', 'maxItems'],
    ['a Malware without Name', set('Malware', [{ Path: '/tmp/x' }]), 'Findings[0].Malware[0].Name', 'required'],
    ['ThreatIntelIndicators over 5 items', set('ThreatIntelIndicators', times(6, indicator)), 'Findings[0].ThreatIntelIndicators', 'maxItems'],
    ['a ThreatIntelIndicator Type not in the enum', set('ThreatIntelIndicators', [{ Type: 'PHONE' }]), 'Findings[0].ThreatIntelIndicators[0].Type', 'enum'],
    ['Threats empty', set('Threats', []), 'Findings[0].Threats', 'minItems'],
    ['Compliance.RelatedRequirements over 32 items', set('Compliance.RelatedRequirements', times(33, (i) => `req-${i}`), aMisconfigurationFinding()), 'Findings[0].Compliance.RelatedRequirements', 'maxItems'],
    ['Compliance.Status not in the enum', set('Compliance.Status', 'OK', aMisconfigurationFinding()), 'Findings[0].Compliance.Status', 'enum'],
    ['a Vulnerability without Id', drop('Vulnerabilities[0].Id', aVulnerabilityFinding()), 'Findings[0].Vulnerabilities[0].Id', 'required'],
    ['Network.Direction not in the enum', set('Network.Direction', 'SIDEWAYS', aThreatFinding()), 'Findings[0].Network.Direction', 'enum'],
    ['Process.Pid not an integer', set('Process.Pid', '4242', aThreatFinding()), 'Findings[0].Process.Pid', 'type'],
    // texts and maps
    ['Remediation.Recommendation.Text over 512 characters', set('Remediation.Recommendation.Text', x(513)), 'Findings[0].Remediation.Recommendation.Text', 'maxLength'],
    ['Note.Text over 512 characters', set('Note', { Text: x(513), UpdatedBy: 'me', UpdatedAt: '2024-05-01T10:00:00Z' }), 'Findings[0].Note.Text', 'maxLength'],
    ['ProductFields over 50 entries', set('ProductFields', Object.fromEntries(times(51, (i) => [`k${i}`, 'v']))), 'Findings[0].ProductFields', 'maxProperties'],
    ['a ProductFields value over 2048 characters', set('ProductFields', { 'acme/scanner/raw': x(2049) }), 'Findings[0].ProductFields["acme/scanner/raw"]', 'maxLength'],
    ['a ProductFields key over 128 characters', set('ProductFields', { [x(129)]: 'v' }), `Findings[0].ProductFields.${x(129)}`, 'maxLength'],
    ['Workflow.Status not in the enum', set('Workflow', { Status: 'DONE' }), 'Findings[0].Workflow.Status', 'enum'],
    ['RecordState not in the enum', set('RecordState', 'GONE'), 'Findings[0].RecordState', 'enum'],
    ['Sample not a boolean', set('Sample', 'yes'), 'Findings[0].Sample', 'type'],
    // timestamps
    ['CreatedAt missing', drop('CreatedAt'), 'Findings[0].CreatedAt', 'required'],
    ['CreatedAt without a zone', set('CreatedAt', '2024-05-01T10:00:00'), 'Findings[0].CreatedAt', 'format'],
    ['CreatedAt with a space for T', set('CreatedAt', '2024-05-01 10:00:00Z'), 'Findings[0].CreatedAt', 'format'],
    ['UpdatedAt with 10 fractional digits', set('UpdatedAt', '2024-05-01T11:00:00.1234567890Z'), 'Findings[0].UpdatedAt', 'format'],
    ['UpdatedAt on 30 February', set('UpdatedAt', '2024-02-30T11:00:00Z'), 'Findings[0].UpdatedAt', 'format'],
    ['FirstObservedAt in lower case', set('FirstObservedAt', '2024-05-01t10:00:00z'), 'Findings[0].FirstObservedAt', 'format'],
    ['LastObservedAt with an offset past 18:00', set('LastObservedAt', '2024-05-01T10:00:00+19:00'), 'Findings[0].LastObservedAt', 'format'],
    ['ProcessedAt not a timestamp', set('ProcessedAt', 'yesterday'), 'Findings[0].ProcessedAt', 'format'],
    ['a nested timestamp (Process.LaunchedAt) as epoch seconds', set('Process.LaunchedAt', '1714557600', aThreatFinding()), 'Findings[0].Process.LaunchedAt', 'format'],
    // size and shape
    ['a finding one byte over 240 KB', findingOfBytes(MAX_FINDING_BYTES + 1), 'Findings[0]', 'maxBytes'],
    ['a finding that is a string', 'not a finding' as unknown as Finding, 'Findings[0]', 'type'],
    ['a finding that is null', null as unknown as Finding, 'Findings[0]', 'type'],
  ];

  it.each(invalid)('rejects %s', (_name, finding, path, rule) => {
    const verdict = validateFinding(finding, 0);
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.map((e) => [e.path, e.rule])).toEqual([[path, rule]]);
    expect(verdict.errors[0]!.message.startsWith(path)).toBe(true);
  });
});

describe('validateFinding on CreatedAt later than UpdatedAt', () => {
  it.each([
    ['by a day', set('CreatedAt', '2024-05-02T00:00:00Z')],
    ['by a nanosecond', aFinding({ CreatedAt: '2024-05-01T10:00:00.000000002Z', UpdatedAt: '2024-05-01T10:00:00.000000001Z' })],
  ])('accepts it with a createdAfterUpdated warning (Security Hub documents no such rule), %s', (_name, finding) => {
    const verdict = validateFinding(finding, 0);
    expect(verdict.valid).toBe(true);
    expect(verdict.errors).toEqual([]);
    expect(verdict.warnings).toContainEqual(expect.objectContaining({ path: 'Findings[0].CreatedAt', rule: 'createdAfterUpdated' }));
  });
});

describe('validateFinding reports every error of a finding, for partners', () => {
  it('reports all errors of a finding, not only the first', () => {
    const finding = aFinding({ SchemaVersion: '1', Title: x(300), Resources: [], AwsAccountId: '1', CreatedAt: 'now' });
    const verdict = validateFinding(finding, 3);
    expect(verdict.errors.map((e) => e.path).sort()).toEqual(
      ['Findings[3].AwsAccountId', 'Findings[3].CreatedAt', 'Findings[3].Resources', 'Findings[3].SchemaVersion', 'Findings[3].Title'],
    );
  });

  it('says the limits and the actual count in plain words', () => {
    const verdict = validateFinding(aFinding({ Resources: [] }), 3);
    expect(verdict.errors[0]!.message).toBe('Findings[3].Resources: must have 1 to 32 items (has 0).');
  });

  it('names the wrong Region of a ProductArn instead of printing the pattern', () => {
    const verdict = validateFinding(aFinding({ ProductArn: 'arn:aws:securityhub:cn-north-1::product/acme/scanner' }), 0);
    expect(verdict.errors[0]!.message).toContain('Region "cn-north-1" is not a Region of partition aws');
  });

  it('tells how to fix a missing Severity: FindingProviderFields or top level', () => {
    const verdict = validateFinding(drop('Severity'), 0);
    expect(verdict.errors[0]!.message).toContain('FindingProviderFields.Severity');
  });

  it('shows an example of a valid timestamp', () => {
    const verdict = validateFinding(aFinding({ UpdatedAt: '2024-05-01' }), 0);
    expect(verdict.errors[0]!.message).toContain('2024-01-31T23:00:00Z');
  });

  it('returns the Id when it is a string, and none otherwise', () => {
    expect(validateFinding(aFinding({ Id: 'abc' }), 0).id).toBe('abc');
    expect(validateFinding(aFinding({ Id: 42 }), 0).id).toBeUndefined();
  });

  it('numbers findings by their place in the request', () => {
    const verdicts = validateFindings([aFinding(), drop('Title'), aFinding()]);
    expect(verdicts.map((v) => [v.index, v.valid])).toEqual([[0, true], [1, false], [2, true]]);
    expect(verdicts[1]!.errors[0]!.path).toBe('Findings[1].Title');
  });
});

describe('validateFinding warns about fields partners must not set, and keeps the finding valid', () => {
  const customerOwned: Array<[string, unknown]> = [
    ['Note', { Text: 'looked at it', UpdatedBy: 'analyst', UpdatedAt: '2024-05-01T10:00:00Z' }],
    ['UserDefinedFields', { ticket: 'SEC-1' }],
    ['VerificationState', 'TRUE_POSITIVE'],
    ['Workflow', { Status: 'NEW' }],
    ['WorkflowState', 'NEW'],
  ];
  it.each(customerOwned)('warns that %s belongs to the customer', (field, value) => {
    const verdict = validateFinding(aProviderFieldsFinding({ [field]: value }), 2);
    expect(verdict.valid).toBe(true);
    expect(verdict.warnings).toEqual([
      { path: `Findings[2].${field}`, rule: 'partnerMustNotSet', message: expect.stringContaining("keeps the customer's value") },
    ]);
  });

  it('warns about top-level Confidence and Criticality and points to FindingProviderFields', () => {
    const verdict = validateFinding(aProviderFieldsFinding({ Confidence: 50, Criticality: 20, FindingProviderFields: { Types: ['TTPs'], Severity: { Label: 'LOW' } } }), 0);
    expect(verdict.valid).toBe(true);
    expect(verdict.warnings.map((w) => [w.path, w.rule])).toEqual([
      ['Findings[0].Confidence', 'partnerMustNotSet'],
      ['Findings[0].Criticality', 'partnerMustNotSet'],
    ]);
    expect(verdict.warnings[0]!.message).toContain('FindingProviderFields.Confidence');
  });

  it('does not warn about a top-level field also sent in FindingProviderFields', () => {
    const verdict = validateFinding(aProviderFieldsFinding({ Severity: { Label: 'LOW' }, Types: ['TTPs'] }), 0);
    expect(verdict.warnings).toEqual([]);
  });

  it('warns about a member ASFF does not have, which Security Hub would never receive', () => {
    const verdict = validateFinding(aFinding({ Serverity: { Label: 'LOW' } }), 0);
    expect(verdict.valid).toBe(true);
    expect(verdict.warnings).toContainEqual(expect.objectContaining({ path: 'Findings[0].Serverity', rule: 'unknownField' }));
  });
});
