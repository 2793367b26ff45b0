/**
 * Validates ASFF findings the way Security Hub does, one finding at a time, before the broker
 * enqueues them. The schema is generated from AWS's own model (see asff-schema.generated.json) and
 * precompiled by Ajv into asff-validator.generated.js when it is generated, so a cold start loads
 * code instead of compiling ~850 definitions; checks JSON Schema cannot express (size in bytes,
 * CreatedAt <= UpdatedAt, fields partners must not set) follow here.
 */
import { MAX_ARRAY_ITEMS, MAX_FINDING_BYTES, MAX_FINDING_DEPTH } from '../limits.js';
import { shapeOf } from './json-shape.js';
import { translateAjvErrors, type Issue } from './ajv-issues.js';
import validateSchema from './asff-validator.generated.js';
import partitions from './aws-partitions.generated.json' with { type: 'json' };
import type { PartitionRegions } from './documented-constraints.js';
import { partnerFieldWarnings } from './partner-fields.js';
import { compareTimestamps } from './timestamps.js';

export interface FindingIssue {
  /** e.g. "Findings[3].Resources[0].Type" */
  path: string;
  /** stable, e.g. "required", "maxItems", "enum", "pattern", "maxLength", "maxBytes", "createdAfterUpdated", "partnerMustNotSet" */
  rule: string;
  /** what is wrong and what to do, e.g. "Findings[3].Resources: must have 1 to 32 items (has 0)." */
  message: string;
}

export interface FindingVerdict {
  index: number;
  /** the finding's Id when it is a string */
  id?: string;
  valid: boolean;
  errors: FindingIssue[];
  warnings: FindingIssue[];
  /** The finding as JSON, when valid: serialised once for the size check, so the caller need not do it again. */
  json?: string;
}

/** The botocore release the schema was generated from. */
export const ASFF_MODEL_VERSION: string = partitions.botocoreVersion;

const regions: PartitionRegions = partitions.regions;

export function validateFinding(finding: unknown, index: number): FindingVerdict {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const root = `Findings[${index}]`;

  // The shape first, iteratively: a finding nested thousands deep would overflow the recursive steps
  // below (JSON.stringify, the schema), and one with a huge array makes the schema's error collection
  // take minutes; there is nothing more in either to judge. Each is refused with its one reason.
  const shape = shapeOf(finding, MAX_FINDING_DEPTH);
  const refuse = (rule: string, message: string): FindingVerdict => ({ index, valid: false, errors: [{ path: root, rule, message: `${root}: ${message}` }], warnings });
  if (shape.depth > MAX_FINDING_DEPTH) {
    return refuse('maxDepth', `the finding nests more than ${MAX_FINDING_DEPTH} levels deep; ASFF's deepest members are far shallower. Flatten the nested values (e.g. into ProductFields strings).`);
  }
  if (shape.longestArray > MAX_ARRAY_ITEMS) {
    return refuse('maxItems', `an array in the finding has ${shape.longestArray} items; the broker takes at most ${MAX_ARRAY_ITEMS} in any array (ASFF's own limits are far lower). Send fewer items.`);
  }
  const json = serialised(finding);
  const bytes = json === undefined ? Number.POSITIVE_INFINITY : Buffer.byteLength(json);
  if (bytes > MAX_FINDING_BYTES) {
    return refuse('maxBytes', `the finding is ${bytes} bytes as JSON; Security Hub takes at most ${MAX_FINDING_BYTES} bytes (240 KB) a finding. Shorten long fields or send fewer Resources, ProductFields or details.`);
  }

  if (!validateSchema(finding)) {
    const translated = translateAjvErrors(validateSchema.errors ?? [], finding, index, regions);
    // A loop, not push(...spread): a spread of many thousands of issues overflows the call stack.
    for (const issue of translated.errors) errors.push(issue);
    for (const issue of translated.warnings) warnings.push(issue);
  }

  if (isRecord(finding)) {
    // Ordering only means something once both timestamps passed the schema.
    const timestampsValid = !errors.some((e) => e.path === `${root}.CreatedAt` || e.path === `${root}.UpdatedAt`);
    const order = timestampsValid ? compareTimestamps(finding.CreatedAt, finding.UpdatedAt) : undefined;
    // A warning, not an error: neither the model nor the ASFF pages say Security Hub refuses it, and a
    // partner must never be refused what Security Hub would accept. It is still almost always a clock or
    // mapping mistake (UpdatedAt is the version's time, and Security Hub ignores versions not newer).
    if (order !== undefined && order > 0) {
      warnings.push({
        path: `${root}.CreatedAt`,
        rule: 'createdAfterUpdated',
        message: `${root}.CreatedAt (${String(finding.CreatedAt)}) is later than UpdatedAt (${String(finding.UpdatedAt)}). Security Hub accepts it, but UpdatedAt is normally the same as or after CreatedAt: check your clock or field mapping.`,
      });
    }
    warnings.push(...partnerFieldWarnings(finding, root));
  }

  const id = isRecord(finding) && typeof finding.Id === 'string' ? finding.Id : undefined;
  const valid = errors.length === 0;
  return { index, ...(id !== undefined ? { id } : {}), valid, errors, warnings, ...(valid && json !== undefined ? { json } : {}) };
}

export function validateFindings(findings: unknown[]): FindingVerdict[] {
  return findings.map((finding, index) => validateFinding(finding, index));
}

/** The value as JSON; undefined when it has none (never "0 bytes", which would pass the size check). */
function serialised(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
