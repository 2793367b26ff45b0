/**
 * Security Hub's per-finding ASFF checks: the reasons BatchImportFindings answers 200 with an
 * InvalidInput entry in FailedFindings. Written by hand from the ASFF reference, independent of the
 * broker's own validator (shared/asff), so the two can catch each other's mistakes. Messages follow
 * the style Security Hub's JSON-schema validator uses ("data.Title should NOT be longer than ...");
 * Assumption: that wording is observed from the live service, no document lists the messages.
 * "The model" below is botocore's Security Hub model (securityhub/2018-10-26/service-2.json), whose
 * member documentation carries the limits ("Length Constraints", "Array Members"); shape
 * AwsSecurityFinding unless another is named. The required attributes and their rules are also in
 * https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html.
 * Not checked (Assumption: the broker never sends them wrong, and a miss only makes the emulator more
 * lenient): the documented lengths of ProductName and CompanyName (1-128), Region (1-16),
 * AwsAccountName (1-50) and ProductArn (12-2048, though the pattern below implies the minimum).
 */
import { ENUM_MEMBERS, SEVERITY_LABELS } from './asff-enums.js';

/**
 * "up to 240 KB per finding"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html).
 * Assumption: KB = 1024 bytes, measured on the finding's JSON serialization in UTF-8; AWS says neither.
 */
export const MAX_FINDING_BYTES = 240 * 1024;

/**
 * `arn:partition:securityhub:region:account-id:product/company-id/product-id`, account-id empty for AWS
 * services (asff-required-attributes.html#ProductArn). Assumption: the exact pattern, as in arn.ts.
 */
const PRODUCT_ARN = /^arn:aws[\w-]*:securityhub:[a-z0-9-]+:(\d{12})?:product\/[^/\s]+\/[^/\s]+$/;
/** AwsAccountId: "Length Constraints: 12" (model); an account id is 12 digits (arn.ts). */
const ACCOUNT_ID = /^\d{12}$/;
/**
 * The API reference's timestamp rule (https://docs.aws.amazon.com/securityhub/1.0/APIReference/Welcome.html#timestamps,
 * linked from each timestamp member in the model): "Timestamps can end with Z or ("+" / "-") time-hour
 * [":" time-minute]. The time-secfrac after seconds is limited to a maximum of 9 digits. The offset is
 * bounded by +/-18:00", upper-case T and Z as in its listed formats. Assumption: the date must be a
 * real calendar date (AWS's published pattern accepts e.g. 02-31). Two AWS sources differ on seconds:
 * the pattern AWS publishes for Security Hub date filters
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-securityhub-automationrule-datefilter.html)
 * admits the leap second 23:59:60, while the prose quoted above does not mention it; the code follows
 * the prose and rejects second 60.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/;

function isTimestamp(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0] = m.slice(1).map((part) => Number(part ?? 0));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return (
    month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth &&
    hour! <= 23 && minute! <= 59 && second! <= 59 &&
    offsetMinutes <= 59 && offsetHours * 60 + offsetMinutes <= 18 * 60
  );
}

/**
 * Optional members the model documents as timestamps ("For more information about the validation and
 * formatting of timestamp fields ..., see Timestamps"), each a NonEmptyString; `[]` = each item of a
 * list. CreatedAt, UpdatedAt and Note.UpdatedAt are checked where they are required. The timestamps inside
 * Resources[].Details (dozens, one per resource type) are not modelled.
 */
const TIMESTAMP_MEMBERS = [
  'FirstObservedAt', 'LastObservedAt', 'ProcessedAt',
  'Process.LaunchedAt', 'Process.TerminatedAt',
  'PatchSummary.OperationStartTime', 'PatchSummary.OperationEndTime',
  'ThreatIntelIndicators[].LastObservedAt',
  'Vulnerabilities[].Vendor.VendorCreatedAt', 'Vulnerabilities[].Vendor.VendorUpdatedAt',
  'Action.AwsApiCallAction.FirstSeen', 'Action.AwsApiCallAction.LastSeen',
];

/**
 * The model's NonEmptyString shape (nearly every ASFF string) has the pattern `.*\S.*`. Assumption:
 * Security Hub applies it as JSON Schema does, unanchored (JSON Schema patterns match anywhere in the
 * value), so it means "has a non-whitespace character".
 */
const NON_EMPTY_STRING = /.*\S.*/;

/**
 * Assumption: lengths count characters (code points), not UTF-16 units or bytes; the model says
 * "length" without a unit.
 */
function characters(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/**
 * namespace[/category[/classifier]]: "A finding provider may define a partial path for
 * namespace/category/classifier" (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-type-taxonomy.html),
 * and AWS's own products send two-part types (Macie: "Sensitive Data Identifications/PII").
 * Two AWS sources differ on the namespace: the model says "Valid namespace values are: Software and
 * Configuration Checks | TTPs | Effects | Unusual Behaviors | Sensitive Data Identifications" (Types),
 * the taxonomy page only "recommend[s] that finding providers use defined namespaces". The code follows
 * the model, the API's own contract, and refuses other namespaces.
 */
const FINDING_TYPE = /^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(\/[^/]+){0,2}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems for one finding; each method checks one JSON-schema keyword at one path. */
class Checker {
  readonly problems: string[] = [];

  /** Once per problem: a container reached by two checks reports its wrong type once. */
  report(problem: string): void {
    if (!this.problems.includes(problem)) this.problems.push(problem);
  }

  required(object: Json, path: string, key: string): boolean {
    if (object[key] !== undefined) return true;
    this.report(`${path} should have required property '${key}'`);
    return false;
  }

  string(value: unknown, path: string, limits: { min?: number; max?: number } = {}): value is string {
    if (value === undefined) return false;
    if (typeof value !== 'string') {
      this.report(`${path} should be string`);
      return false;
    }
    const length = characters(value);
    if (limits.min !== undefined && length < limits.min) this.report(`${path} should NOT be shorter than ${limits.min} characters`);
    if (limits.max !== undefined && length > limits.max) this.report(`${path} should NOT be longer than ${limits.max} characters`);
    return true;
  }

  /** A member of the model's NonEmptyString shape, within its documented lengths. */
  nonEmptyString(value: unknown, path: string, limits: { min?: number; max?: number } = {}): void {
    if (!this.string(value, path, limits) || NON_EMPTY_STRING.test(value)) return;
    // An empty value that already fails its minimum length needs no second message.
    if (value !== '' || limits.min === undefined) {
      this.report(`${path} should match pattern "${NON_EMPTY_STRING.source}"`);
    }
  }

  pattern(value: unknown, path: string, pattern: RegExp): void {
    if (this.string(value, path) && !pattern.test(value)) this.report(`${path} should match pattern "${pattern.source}"`);
  }

  dateTime(value: unknown, path: string): void {
    if (this.string(value, path) && !isTimestamp(value)) this.report(`${path} should match format "date-time"`);
  }

  oneOf(value: unknown, path: string, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value as string)) this.report(`${path} should be equal to one of the allowed values`);
  }

  integer(value: unknown, path: string, min: number, max: number): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.report(`${path} should be integer`);
    else if (value < min) this.report(`${path} should be >= ${min}`);
    else if (value > max) this.report(`${path} should be <= ${max}`);
  }

  array(value: unknown, path: string, limits: { min?: number; max?: number } = {}): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.report(`${path} should be array`);
      return [];
    }
    if (limits.min !== undefined && value.length < limits.min) this.report(`${path} should NOT have fewer than ${limits.min} items`);
    if (limits.max !== undefined && value.length > limits.max) this.report(`${path} should NOT have more than ${limits.max} items`);
    return value;
  }

  object(value: unknown, path: string): Json | undefined {
    if (value === undefined) return undefined;
    if (isObject(value)) return value;
    this.report(`${path} should be object`);
    return undefined;
  }

  /**
   * Each value present at `member` ('Malware[].Type': `[]` = each item of a list) with its path,
   * reporting the containers on the way that are not an object or a list.
   */
  valuesAt(node: Json, member: string, path = 'data'): Array<[value: unknown, path: string]> {
    const [head = '', ...rest] = member.split('.');
    const key = head.replace(/\[\]$/, '');
    const childPath = `${path}.${key}`;
    const found: Array<[unknown, string]> = head.endsWith('[]')
      ? this.array(node[key], childPath).map((item, i) => [item, `${childPath}[${i}]`])
      : node[key] === undefined ? [] : [[node[key], childPath]];
    if (rest.length === 0) return found;
    return found.flatMap(([value, at]) => {
      const object = this.object(value, at);
      return object ? this.valuesAt(object, rest.join('.'), at) : [];
    });
  }
}

/**
 * `needsLabel`: this Severity is the finding's effective one, so it must say how severe: "the finding
 * must have either the Label or Normalized field populated" (asff-required-attributes.html#Severity).
 * Types: at most 50 ("Array Members: Maximum number of 50 items", model) and at least one ("One or more
 * finding types", asff-required-attributes.html#Types). Assumption: FindingProviderFields.Types (the same
 * TypeList shape, no count documented) has the same bounds.
 */
function checkTypesAndSeverity(check: Checker, types: unknown, severity: unknown, path: string, needsLabel: boolean): void {
  check.array(types, `${path}.Types`, { min: 1, max: 50 }).forEach((type, i) => check.pattern(type, `${path}.Types[${i}]`, FINDING_TYPE));
  const sev = check.object(severity, `${path}.Severity`);
  if (!sev) return;
  if (needsLabel && sev.Label === undefined && sev.Normalized === undefined) check.required(sev, `${path}.Severity`, 'Label');
  check.oneOf(sev.Label, `${path}.Severity.Label`, SEVERITY_LABELS);
  // "The value of Normalized can be an integer between 0 and 100" (model, Severity.Normalized).
  check.integer(sev.Normalized, `${path}.Severity.Normalized`, 0, 100);
  // Severity.Original and FindingProviderSeverity.Original: "Length Constraints: Minimum length of 1. Maximum length of 64." (model)
  check.nonEmptyString(sev.Original, `${path}.Severity.Original`, { min: 1, max: 64 });
}

/**
 * Types and Severity are required (asff-required-attributes.html), but may come from
 * FindingProviderFields instead of the top level: "finding providers use the FindingProviderFields
 * object to provide values for these attributes"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html#batchimportfindings-findingproviderfields).
 * With neither, Security Hub's schema fails its anyOf (Assumption: message wording observed).
 */
function checkClassification(check: Checker, finding: Json): void {
  const provider = check.object(finding.FindingProviderFields, 'data.FindingProviderFields');
  if (provider) checkTypesAndSeverity(check, provider.Types, provider.Severity, 'data.FindingProviderFields', finding.Severity === undefined);
  checkTypesAndSeverity(check, finding.Types, finding.Severity, 'data', true);
  if (finding.Types !== undefined && finding.Severity !== undefined) return;
  if (finding.FindingProviderFields === undefined) {
    check.report("data should have required property 'FindingProviderFields', data should match some schema in anyOf");
    return;
  }
  if (provider && finding.Types === undefined) check.required(provider, 'data.FindingProviderFields', 'Types');
  if (provider && finding.Severity === undefined) check.required(provider, 'data.FindingProviderFields', 'Severity');
}

function checkResources(check: Checker, resources: unknown): void {
  check.array(resources, 'data.Resources', { min: 1, max: 32 }).forEach((item, i) => {
    const path = `data.Resources[${i}]`;
    const resource = check.object(item, path);
    if (!resource) return;
    // Resources: 1-32 items; Type and Id required (model, Resource "required"). The model documents
    // Type as 1-256 characters and no length limit for Id (a NonEmptyString, so at least one).
    if (check.required(resource, path, 'Type')) check.nonEmptyString(resource.Type, `${path}.Type`, { min: 1, max: 256 });
    if (check.required(resource, path, 'Id')) check.nonEmptyString(resource.Id, `${path}.Id`, { min: 1 });
  });
}

/** Lists whose limits the model documents as "Array Members: Minimum number of 1 item. Maximum number of N items." */
function checkLists(check: Checker, finding: Json): void {
  check.array(finding.RelatedFindings, 'data.RelatedFindings', { min: 1, max: 10 }).forEach((item, i) => {
    const path = `data.RelatedFindings[${i}]`;
    const related = check.object(item, path);
    if (related && check.required(related, path, 'ProductArn')) check.nonEmptyString(related.ProductArn, `${path}.ProductArn`, { min: 1 });
    if (related && check.required(related, path, 'Id')) check.nonEmptyString(related.Id, `${path}.Id`, { min: 1 });
  });
  // RelatedFindings 1-10, each with ProductArn and Id (model, RelatedFinding "required").
  check.array(finding.ThreatIntelIndicators, 'data.ThreatIntelIndicators', { min: 1, max: 5 });
  check.array(finding.Threats, 'data.Threats', { min: 1, max: 32 });
  // Malware: "Maximum number of 5 items", no minimum; Name required, 1-64 (model, Malware).
  check.array(finding.Malware, 'data.Malware', { max: 5 }).forEach((item, i) => {
    const malware = check.object(item, `data.Malware[${i}]`);
    if (malware && check.required(malware, `data.Malware[${i}]`, 'Name')) check.nonEmptyString(malware.Name, `data.Malware[${i}].Name`, { min: 1, max: 64 });
  });
}

function checkOptionalSections(check: Checker, finding: Json): void {
  for (const [member, allowed] of ENUM_MEMBERS) {
    for (const [value, path] of check.valuesAt(finding, member)) check.oneOf(value, path, allowed);
  }
  for (const member of TIMESTAMP_MEMBERS) {
    for (const [value, path] of check.valuesAt(finding, member)) check.dateTime(value, path);
  }
  // Confidence "is scored on a 0-100 basis", Criticality 0 to 100 (model). Assumption: integers only
  // (the shapes are Integer; a fraction would not deserialize).
  check.integer(finding.Confidence, 'data.Confidence', 0, 100);
  check.integer(finding.Criticality, 'data.Criticality', 0, 100);
  checkLists(check, finding);
  const recommendation = check.object(check.object(finding.Remediation, 'data.Remediation')?.Recommendation, 'data.Remediation.Recommendation');
  // "Length Constraints: Minimum of 1 length. Maximum of 512 length." (model, Recommendation.Text).
  check.nonEmptyString(recommendation?.Text, 'data.Remediation.Recommendation.Text', { min: 1, max: 512 });
  const note = check.object(finding.Note, 'data.Note');
  if (note) {
    // Note requires Text, UpdatedBy and UpdatedAt (model, Note "required"). The model documents 1-512
    // characters for Note.Text and no length for UpdatedBy.
    if (check.required(note, 'data.Note', 'Text')) check.nonEmptyString(note.Text, 'data.Note.Text', { min: 1, max: 512 });
    if (check.required(note, 'data.Note', 'UpdatedBy')) check.nonEmptyString(note.UpdatedBy, 'data.Note.UpdatedBy', { min: 1 });
    if (check.required(note, 'data.Note', 'UpdatedAt')) check.dateTime(note.UpdatedAt, 'data.Note.UpdatedAt');
  }
}

/**
 * Every ASFF rule the finding breaks; empty when Security Hub would accept it. Required members: the
 * model's AwsSecurityFinding "required" list. SchemaVersion: "The value is 2018-10-08" (model). Lengths
 * of Id and GeneratorId (1-512), Title (1-256), Description (1-1024): model. Assumption: the order in
 * which problems are listed is the emulator's (AWS does not document it).
 */
export function findingProblems(finding: unknown): string[] {
  const check = new Checker();
  if (!isObject(finding)) return ['data should be object'];
  if (check.required(finding, 'data', 'SchemaVersion')) check.oneOf(finding.SchemaVersion, 'data.SchemaVersion', ['2018-10-08']);
  if (check.required(finding, 'data', 'Id')) check.nonEmptyString(finding.Id, 'data.Id', { min: 1, max: 512 });
  if (check.required(finding, 'data', 'ProductArn')) check.pattern(finding.ProductArn, 'data.ProductArn', PRODUCT_ARN);
  if (check.required(finding, 'data', 'GeneratorId')) check.nonEmptyString(finding.GeneratorId, 'data.GeneratorId', { min: 1, max: 512 });
  if (check.required(finding, 'data', 'AwsAccountId')) check.pattern(finding.AwsAccountId, 'data.AwsAccountId', ACCOUNT_ID);
  if (check.required(finding, 'data', 'CreatedAt')) check.dateTime(finding.CreatedAt, 'data.CreatedAt');
  if (check.required(finding, 'data', 'UpdatedAt')) check.dateTime(finding.UpdatedAt, 'data.UpdatedAt');
  // Title and Description are NonEmptyString in the model: a blank one fails its pattern.
  if (check.required(finding, 'data', 'Title')) check.nonEmptyString(finding.Title, 'data.Title', { min: 1, max: 256 });
  if (check.required(finding, 'data', 'Description')) check.nonEmptyString(finding.Description, 'data.Description', { min: 1, max: 1024 });
  if (check.required(finding, 'data', 'Resources')) checkResources(check, finding.Resources);
  checkClassification(check, finding);
  checkOptionalSections(check, finding);
  // Assumption: the size failure is one more InvalidInput problem, with this wording (undocumented).
  if (Buffer.byteLength(JSON.stringify(finding)) > MAX_FINDING_BYTES) check.report(`Finding size exceeds the maximum of ${MAX_FINDING_BYTES / 1024} KB`);
  return check.problems;
}
