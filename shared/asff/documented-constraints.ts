/**
 * ASFF constraints that AWS documents but the botocore model does not encode as shape traits.
 *
 * The Security Hub model types almost every ASFF string as `NonEmptyString` and every list without
 * bounds; the limits live in prose (the member documentation, the ASFF pages of the user guide and
 * the DateFilter timestamp rules). This module restates them as JSON Schema fragments, one line per
 * documented limit, so that `scripts/generate-asff-schema.ts` can layer them onto the shapes it
 * derives from the model. Nothing here is invented: each entry names where AWS says it.
 *
 * Keys are `Shape.Member` from the model; a fragment is merged next to the member's `$ref`.
 */

/** A JSON Schema fragment (draft 2020-12). */
export type SchemaFragment = Record<string, unknown>;

export interface MemberConstraint {
  schema: SchemaFragment;
  /** Where AWS documents it. */
  source: string;
}

/** Region names per partition, as generated from botocore's partitions.json. */
export type PartitionRegions = Readonly<Record<string, readonly string[]>>;

export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** Types: `namespace/category/classifier`; category and classifier are optional levels. */
export const FINDING_TYPE_NAMESPACES = [
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
] as const;

export const FINDING_TYPE_PATTERN = `^(?:${FINDING_TYPE_NAMESPACES.join('|')})(?:/[^/]+){0,2}$`;

export const AWS_ACCOUNT_ID_PATTERN = '^\\d{12}$';

/**
 * Security Hub timestamps (API reference, "Timestamps"; the same rule is spelled out on the
 * DateFilter pages): RFC 3339 with `T`, a zone (`Z` or ±HH[:]MM, bounded by ±18:00) and at most
 * 9 fractional digits. ajv-formats' `date-time` adds the calendar check (no 30 February).
 */
export const TIMESTAMP_PATTERN =
  '^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d|23:59:60)' +
  '(?:\\.\\d{1,9})?(?:Z|[+-](?:(?:0\\d|1[0-7])(?::?[0-5]\\d)?|18(?::?00)?))$';

export const TIMESTAMP_SCHEMA: SchemaFragment = {
  type: 'string',
  format: 'date-time',
  pattern: TIMESTAMP_PATTERN,
};

/**
 * ProductArn: `arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>`, where
 * the Region must belong to the partition. The account is empty for partner products
 * (`arn:aws:securityhub:us-east-1::product/aws/guardduty`) and 12 digits for custom integrations.
 */
export function productArnPattern(regions: PartitionRegions): string {
  const alternatives = Object.entries(regions)
    .filter(([, names]) => names.length > 0)
    .map(([partition, names]) => `${escapeRegExp(partition)}:securityhub:(?:${names.map(escapeRegExp).join('|')})`);
  return `^arn:(?:${alternatives.join('|')}):(?:\\d{12})?:product/[^/\\s]+/[^/\\s]+$`;
}

const len = (minLength: number, maxLength: number): SchemaFragment => ({ minLength, maxLength });
const items = (minItems: number, maxItems: number): SchemaFragment => ({ minItems, maxItems });
const ratio: SchemaFragment = { minimum: 0, maximum: 100 };
const types: SchemaFragment = { ...items(1, 50), items: { pattern: FINDING_TYPE_PATTERN } };

const REQUIRED_ATTRS = 'ASFF required top-level attributes (user guide)';
const MODEL_DOC = 'member documentation in the Security Hub model';

/** Constraints keyed by `Shape.Member`. */
export function documentedConstraints(regions: PartitionRegions): Record<string, MemberConstraint> {
  return {
    'AwsSecurityFinding.SchemaVersion': { schema: { const: ASFF_SCHEMA_VERSION }, source: REQUIRED_ATTRS },
    'AwsSecurityFinding.Id': { schema: len(1, 512), source: REQUIRED_ATTRS },
    'AwsSecurityFinding.ProductArn': {
      schema: { ...len(12, 2048), pattern: productArnPattern(regions) },
      source: `${REQUIRED_ATTRS}; Regions from botocore partitions.json`,
    },
    'AwsSecurityFinding.GeneratorId': { schema: len(1, 512), source: REQUIRED_ATTRS },
    'AwsSecurityFinding.AwsAccountId': { schema: { pattern: AWS_ACCOUNT_ID_PATTERN }, source: REQUIRED_ATTRS },
    'AwsSecurityFinding.Types': { schema: types, source: REQUIRED_ATTRS },
    'AwsSecurityFinding.Title': { schema: len(1, 256), source: REQUIRED_ATTRS },
    'AwsSecurityFinding.Description': { schema: len(1, 1024), source: REQUIRED_ATTRS },
    'AwsSecurityFinding.Resources': { schema: items(1, 32), source: REQUIRED_ATTRS },
    'AwsSecurityFinding.Confidence': { schema: ratio, source: MODEL_DOC },
    'AwsSecurityFinding.Criticality': { schema: ratio, source: MODEL_DOC },
    'AwsSecurityFinding.ProductName': { schema: len(1, 128), source: MODEL_DOC },
    'AwsSecurityFinding.CompanyName': { schema: len(1, 128), source: MODEL_DOC },
    'AwsSecurityFinding.Region': { schema: len(1, 16), source: MODEL_DOC },
    'AwsSecurityFinding.AwsAccountName': { schema: len(1, 50), source: MODEL_DOC },
    'AwsSecurityFinding.Malware': { schema: { maxItems: 5 }, source: MODEL_DOC },
    'AwsSecurityFinding.Threats': { schema: items(1, 32), source: MODEL_DOC },
    'AwsSecurityFinding.ThreatIntelIndicators': { schema: items(1, 5), source: MODEL_DOC },
    'AwsSecurityFinding.RelatedFindings': { schema: items(1, 10), source: MODEL_DOC },
    'AwsSecurityFinding.ProductFields': {
      schema: { maxProperties: 50, propertyNames: { maxLength: 128 }, additionalProperties: { maxLength: 2048 } },
      source: MODEL_DOC,
    },
    'AwsSecurityFinding.UserDefinedFields': {
      schema: { maxProperties: 50, propertyNames: { maxLength: 128 }, additionalProperties: { maxLength: 1024 } },
      source: MODEL_DOC,
    },
    'AwsSecurityFinding.Severity': {
      // A severity needs a value: Label, or the deprecated Normalized from which Label is derived.
      schema: { anyOf: [{ required: ['Label'] }, { required: ['Normalized'] }] },
      source: 'Severity (API reference)',
    },
    'Severity.Normalized': { schema: ratio, source: MODEL_DOC },
    'Severity.Original': { schema: len(1, 64), source: MODEL_DOC },
    'FindingProviderFields.Types': { schema: types, source: REQUIRED_ATTRS },
    'FindingProviderFields.RelatedFindings': { schema: items(1, 10), source: MODEL_DOC },
    'FindingProviderSeverity.Original': { schema: len(1, 64), source: MODEL_DOC },
    'Resource.Type': { schema: len(1, 256), source: MODEL_DOC },
    'Resource.Region': { schema: len(1, 16), source: MODEL_DOC },
    'Recommendation.Text': { schema: len(1, 512), source: MODEL_DOC },
    'Note.Text': { schema: len(1, 512), source: MODEL_DOC },
    'Malware.Name': { schema: len(1, 64), source: MODEL_DOC },
    'Malware.Path': { schema: len(1, 512), source: MODEL_DOC },
    'ProcessDetails.Name': { schema: len(1, 64), source: MODEL_DOC },
    'ProcessDetails.Path': { schema: len(1, 512), source: MODEL_DOC },
    'ThreatIntelIndicator.Value': { schema: len(1, 512), source: MODEL_DOC },
    'ThreatIntelIndicator.Source': { schema: len(1, 64), source: MODEL_DOC },
    'Threat.Name': { schema: len(1, 128), source: MODEL_DOC },
    'Threat.Severity': { schema: len(1, 128), source: MODEL_DOC },
    'Threat.FilePaths': { schema: { minItems: 1 }, source: MODEL_DOC },
    'FilePaths.FilePath': { schema: len(1, 128), source: MODEL_DOC },
    'FilePaths.FileName': { schema: len(1, 128), source: MODEL_DOC },
    'FilePaths.ResourceId': { schema: len(1, 128), source: MODEL_DOC },
    'FilePaths.Hash': { schema: len(1, 128), source: MODEL_DOC },
    'Compliance.RelatedRequirements': { schema: { maxItems: 32 }, source: MODEL_DOC },
    'Network.Protocol': { schema: len(1, 16), source: MODEL_DOC },
    'Network.SourceDomain': { schema: len(1, 128), source: MODEL_DOC },
    'Network.DestinationDomain': { schema: len(1, 128), source: MODEL_DOC },
    'NetworkHeader.Protocol': { schema: len(1, 16), source: MODEL_DOC },
    'NetworkConnectionAction.Protocol': { schema: len(1, 64), source: MODEL_DOC },
    'DnsRequestAction.Protocol': { schema: len(1, 64), source: MODEL_DOC },
    'NetworkPathComponent.ComponentId': { schema: len(1, 32), source: MODEL_DOC },
    'NetworkPathComponent.ComponentType': { schema: len(1, 32), source: MODEL_DOC },
    'PatchSummary.Id': { schema: len(1, 256), source: MODEL_DOC },
    'PatchSummary.RebootOption': { schema: len(1, 256), source: MODEL_DOC },
    'PatchSummary.Operation': { schema: len(1, 256), source: MODEL_DOC },
    'AwsLambdaLayerVersionDetails.CompatibleRuntimes': { schema: { maxItems: 5 }, source: MODEL_DOC },
  };
}

/**
 * Name of the vocabulary keyword that tags a finding-level "either here or in
 * FindingProviderFields" rule, so the validator can turn Ajv's anyOf noise into one plain error.
 */
export const EITHER_KEYWORD = 'x-asffEither';

/**
 * The model marks neither Types nor Severity required: Security Hub accepts each at the top level
 * or in FindingProviderFields (it fills FindingProviderFields from the top level on create), and
 * answers "data should have required property 'FindingProviderFields', data should match some
 * schema in anyOf" when a finding has neither.
 */
export const FINDING_LEVEL_RULES: SchemaFragment[] = [
  {
    [EITHER_KEYWORD]: 'Types',
    anyOf: [
      { required: ['Types'] },
      { required: ['FindingProviderFields'], properties: { FindingProviderFields: { required: ['Types'] } } },
    ],
  },
  {
    [EITHER_KEYWORD]: 'Severity',
    anyOf: [
      { required: ['Severity'] },
      {
        required: ['FindingProviderFields'],
        properties: { FindingProviderFields: { required: ['Severity'], properties: { Severity: { required: ['Label'] } } } },
      },
    ],
  },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
