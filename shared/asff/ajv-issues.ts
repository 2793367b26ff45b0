/**
 * Rewrites Ajv's errors for one finding into partner-facing issues: one plain sentence per problem,
 * with the `Findings[i].a.b[2]` path, the limit and the value sent. Rule names are stable (they are
 * Ajv's keyword names, except `format` for timestamps and `unknownField` for members ASFF lacks).
 */
import type { ErrorObject } from 'ajv';
import {
  AWS_ACCOUNT_ID_PATTERN,
  EITHER_KEYWORD,
  FINDING_TYPE_NAMESPACES,
  FINDING_TYPE_PATTERN,
  type PartitionRegions,
} from './documented-constraints.js';
import { childKey, findingPath, jsonType, shown } from './issue-path.js';

export interface Issue {
  path: string;
  rule: string;
  message: string;
}

export interface TranslatedIssues {
  errors: Issue[];
  warnings: Issue[];
}

type SchemaObject = Record<string, unknown>;

const NON_EMPTY_PATTERN = '.*\\S.*';
const TIMESTAMP_EXAMPLE = '2024-01-31T23:00:00Z or 2024-01-31T23:00:00.123+02:00';

export function translateAjvErrors(
  ajvErrors: readonly ErrorObject[],
  finding: unknown,
  index: number,
  regions: PartitionRegions,
): TranslatedIssues {
  // A failed anyOf also reports every branch's own errors: keep only the anyOf, explained once.
  const failedAnyOf = ajvErrors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const reported = ajvErrors.filter((e) => !failedAnyOf.some((prefix) => e.schemaPath.startsWith(prefix)));
  // propertyNames reports the key's own error and then a summary; the key's error says it all.
  const keyErrors = new Set(reported.filter((e) => e.propertyName !== undefined).map((e) => e.instancePath));
  // An empty string fails both its minimum length and the model's non-blank pattern: say it once.
  const tooShort = new Set(reported.filter((e) => e.keyword === 'minLength').map((e) => e.instancePath));

  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const seen = new Set<string>();
  const at = (pointer: string) => findingPath(index, pointer, finding);

  for (const error of reported) {
    if (error.keyword === 'propertyNames' && keyErrors.has(error.instancePath)) continue;
    if (error.keyword === 'pattern' && error.params.pattern === NON_EMPTY_PATTERN && tooShort.has(error.instancePath)) continue;
    if (error.keyword === 'additionalProperties') {
      const path = at(error.instancePath) + childKey(String(error.params.additionalProperty));
      warnings.push({
        path,
        rule: 'unknownField',
        message: `${path} is not an ASFF field: it will not reach Security Hub (check its spelling and its place).`,
      });
      continue;
    }
    const issue = describe(error, at, regions);
    const key = `${issue.path}\u0000${issue.rule}`;
    if (seen.has(key)) continue; // e.g. a timestamp failing both its pattern and its format
    seen.add(key);
    errors.push(issue);
  }
  return { errors, warnings };
}

function describe(error: ErrorObject, at: (pointer: string) => string, regions: PartitionRegions): Issue {
  const parent = (error.parentSchema ?? {}) as SchemaObject;
  const data: unknown = error.data;
  const params = error.params as Record<string, unknown>;

  if (error.propertyName !== undefined) {
    const path = at(error.instancePath) + childKey(error.propertyName);
    const limit = Number(params.limit);
    return { path, rule: error.keyword, message: `${path}: a key must be at most ${limit} characters (has ${[...error.propertyName].length}).` };
  }

  const path = at(error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const missing = `${path}${childKey(String(params.missingProperty))}`;
      return { path: missing, rule: 'required', message: `${missing} is missing; Security Hub requires it.` };
    }
    case 'anyOf':
      return describeAnyOf(path, parent, data);
    case 'maxLength':
    case 'minLength':
      return {
        path,
        rule: error.keyword,
        message: `${path}: must be ${range(parent.minLength, parent.maxLength, 'characters')} (has ${lengthOf(data)}).`,
      };
    case 'maxItems':
    case 'minItems':
      return {
        path,
        rule: error.keyword,
        message: `${path}: must have ${range(parent.minItems, parent.maxItems, 'items')} (has ${Array.isArray(data) ? data.length : 0}).`,
      };
    case 'maxProperties':
      return {
        path,
        rule: 'maxProperties',
        message: `${path}: must have at most ${Number(params.limit)} entries (has ${Object.keys(data ?? {}).length}).`,
      };
    case 'minimum':
    case 'maximum':
      return { path, rule: error.keyword, message: `${path}: must be ${between(parent)} (is ${shown(data)}).` };
    case 'enum':
      return {
        path,
        rule: 'enum',
        message: `${path}: must be one of ${(params.allowedValues as unknown[]).join(', ')} (got ${shown(data)}).`,
      };
    case 'const':
      return { path, rule: 'const', message: `${path}: must be ${shown(params.allowedValue)} (got ${shown(data)}).` };
    case 'type':
      return { path, rule: 'type', message: `${path}: must be ${article(String(params.type))} (got ${article(jsonType(data))}).` };
    case 'format':
    case 'pattern':
      if (parent.format === 'date-time') {
        return {
          path,
          rule: 'format',
          message: `${path}: must be an RFC 3339 timestamp with a time zone and at most 9 fractional digits, e.g. ${TIMESTAMP_EXAMPLE} (got ${shown(data)}).`,
        };
      }
      return { path, rule: error.keyword, message: `${path}: ${describePattern(String(params.pattern ?? params.format), data, regions)}` };
    default:
      return { path, rule: error.keyword, message: `${path}: ${error.message ?? 'is not valid'}.` };
  }
}

function describeAnyOf(path: string, parent: SchemaObject, data: unknown): Issue {
  const either = parent[EITHER_KEYWORD];
  if (typeof either === 'string') {
    const provider = (data as SchemaObject | undefined)?.FindingProviderFields as SchemaObject | undefined;
    if (either === 'Severity' && provider?.Severity !== null && typeof provider?.Severity === 'object') {
      const missing = `${path}.FindingProviderFields.Severity.Label`;
      return {
        path: missing,
        rule: 'required',
        message: `${missing} is missing: with no top-level Severity, FindingProviderFields.Severity must carry a Label (INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL).`,
      };
    }
    const missing = `${path}.${either}`;
    return {
      path: missing,
      rule: 'required',
      message: `${missing} is missing: set FindingProviderFields.${either} (recommended) or the top-level ${either}; Security Hub needs one of them.`,
    };
  }
  // Alternatives that each require one member, e.g. Severity's Label or Normalized.
  const alternatives = ((parent.anyOf ?? []) as SchemaObject[]).flatMap((branch) => (branch.required ?? []) as string[]);
  const missing = `${path}${childKey(alternatives[0] ?? '')}`;
  return {
    path: missing,
    rule: 'required',
    message: `${missing} is missing: ${path} needs ${alternatives.join(' or ')}.`,
  };
}

function describePattern(pattern: string, data: unknown, regions: PartitionRegions): string {
  const got = `(got ${shown(data)})`;
  if (pattern === AWS_ACCOUNT_ID_PATTERN) return `must be a 12-digit AWS account ID ${got}.`;
  if (pattern === NON_EMPTY_PATTERN) return `must contain at least one non-whitespace character ${got}.`;
  if (pattern === FINDING_TYPE_PATTERN) {
    return `must be namespace[/category[/classifier]] with a namespace of ${FINDING_TYPE_NAMESPACES.join(', ')} ${got}.`;
  }
  if (pattern.startsWith('^arn:')) return describeProductArn(String(data), regions);
  return `must match the pattern ${pattern} ${got}.`;
}

/** Says which part of a ProductArn is wrong, rather than printing a 1,000-character regex. */
function describeProductArn(arn: string, regions: PartitionRegions): string {
  const shape = 'arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>';
  const parts = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/.exec(arn);
  if (!parts) return `must look like ${shape} (got ${shown(arn)}).`;
  const [, partition = '', service, region = '', account = '', resource = ''] = parts;
  const names = regions[partition];
  if (!names) {
    return `partition ${shown(partition)} is not an AWS partition (${Object.keys(regions).join(', ')}) in ${shown(arn)}.`;
  }
  if (service !== 'securityhub') return `service must be securityhub, not ${shown(service)}, in ${shown(arn)}.`;
  if (!names.includes(region)) {
    return `Region ${shown(region)} is not a Region of partition ${partition}; the ProductArn's Region is where the finding is imported (got ${shown(arn)}).`;
  }
  if (account !== '' && !/^\d{12}$/.test(account)) {
    return `account must be empty (partner products) or 12 digits (custom integrations), not ${shown(account)}, in ${shown(arn)}.`;
  }
  if (!/^product\/[^/\s]+\/[^/\s]+$/.test(resource)) {
    return `must end with product/<company>/<product>, not ${shown(resource)}, in ${shown(arn)}.`;
  }
  return `must look like ${shape} (got ${shown(arn)}).`;
}

function range(min: unknown, max: unknown, unit: string): string {
  if (typeof min === 'number' && typeof max === 'number') return `${min} to ${max} ${unit}`;
  if (typeof max === 'number') return `at most ${max} ${unit}`;
  return `at least ${Number(min)} ${unit}`;
}

function between(parent: SchemaObject): string {
  const { minimum, maximum } = parent;
  if (typeof minimum === 'number' && typeof maximum === 'number') return `between ${minimum} and ${maximum}`;
  return typeof maximum === 'number' ? `at most ${maximum}` : `at least ${Number(minimum)}`;
}

function lengthOf(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
