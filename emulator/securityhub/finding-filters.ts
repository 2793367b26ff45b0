/**
 * GetFindings' StringFilter semantics for the fields the emulator models. Per AWS's filter rules:
 * filters on one field with EQUALS, PREFIX or CONTAINS are OR'ed; NOT_EQUALS, PREFIX_NOT_EQUALS
 * and NOT_CONTAINS are AND'ed; different fields are AND'ed. A filter on a field the emulator does
 * not model is refused rather than ignored, so a test never passes on a filter that did nothing.
 */
import type { Finding } from '../types.js';
import { invalidInput } from './protocol.js';

type Accessor = (finding: Finding, region: string) => Array<string | undefined>;

const FIELDS: Record<string, Accessor> = {
  AwsAccountId: (f) => [f.AwsAccountId],
  ProductArn: (f) => [f.ProductArn],
  Id: (f) => [f.Id],
  GeneratorId: (f) => [f.GeneratorId],
  Region: (_f, region) => [region],
  Title: (f) => [f.Title],
  Description: (f) => [f.Description],
  ProductName: (f) => [f.ProductName],
  CompanyName: (f) => [f.CompanyName],
  Type: (f) => f.Types ?? f.FindingProviderFields?.Types ?? [],
  SeverityLabel: (f) => [f.Severity?.Label ?? f.FindingProviderFields?.Severity?.Label],
  RecordState: (f) => [f.RecordState ?? 'ACTIVE'],
  WorkflowStatus: (f) => [f.Workflow?.Status ?? 'NEW'],
  ComplianceStatus: (f) => [f.Compliance?.Status],
  ResourceType: (f) => (f.Resources ?? []).map((r) => r.Type),
  ResourceId: (f) => (f.Resources ?? []).map((r) => r.Id),
};

const POSITIVE = new Set(['EQUALS', 'PREFIX', 'CONTAINS', 'CONTAINS_WORD']);
const NEGATIVE = new Set(['NOT_EQUALS', 'PREFIX_NOT_EQUALS', 'NOT_CONTAINS']);

interface StringFilter {
  Value: string;
  Comparison: string;
}

function matches(comparison: string, actual: string, expected: string): boolean {
  switch (comparison) {
    case 'EQUALS': case 'NOT_EQUALS': return actual === expected;
    case 'PREFIX': case 'PREFIX_NOT_EQUALS': return actual.startsWith(expected);
    case 'CONTAINS': case 'NOT_CONTAINS': return actual.includes(expected);
    case 'CONTAINS_WORD': return actual.split(/\W+/).includes(expected);
    default: return false;
  }
}

function readFilters(name: string, value: unknown): StringFilter[] {
  if (!Array.isArray(value)) throw invalidInput(`Filter ${name} must be a list`);
  return value.map((entry: unknown) => {
    const filter = entry as Partial<StringFilter> | null;
    if (typeof filter?.Value !== 'string' || typeof filter.Comparison !== 'string') {
      throw invalidInput(`Filter ${name} takes StringFilter entries ({Value, Comparison}); the emulator models only string filters`);
    }
    if (!POSITIVE.has(filter.Comparison) && !NEGATIVE.has(filter.Comparison)) throw invalidInput(`Unknown Comparison ${filter.Comparison} in filter ${name}`);
    return { Value: filter.Value, Comparison: filter.Comparison };
  });
}

/** A predicate for the request's Filters; throws InvalidInputException for filters it cannot apply. */
export function compileFilters(filters: unknown): (finding: Finding, region: string) => boolean {
  if (filters === undefined || filters === null) return () => true;
  if (typeof filters !== 'object' || Array.isArray(filters)) throw invalidInput('Filters must be an object');
  const compiled = Object.entries(filters).map(([name, value]) => {
    const accessor = FIELDS[name];
    if (!accessor) throw invalidInput(`The emulator does not model filter ${name}; supported: ${Object.keys(FIELDS).join(', ')}`);
    const list = readFilters(name, value);
    return { accessor, positive: list.filter((f) => POSITIVE.has(f.Comparison)), negative: list.filter((f) => NEGATIVE.has(f.Comparison)) };
  });
  return (finding, region) =>
    compiled.every(({ accessor, positive, negative }) => {
      const values = accessor(finding, region).filter((v): v is string => typeof v === 'string');
      const anyPositive = positive.length === 0 || positive.some((f) => values.some((v) => matches(f.Comparison, v, f.Value)));
      const allNegative = negative.every((f) => !values.some((v) => matches(f.Comparison, v, f.Value)));
      return anyPositive && allNegative;
    });
}

/** Sort comparator for SortCriteria on single-valued string fields and the *At timestamps. */
export function compileSort(criteria: unknown): ((a: Finding, b: Finding) => number) | undefined {
  if (criteria === undefined || criteria === null) return undefined;
  if (!Array.isArray(criteria)) throw invalidInput('SortCriteria must be a list');
  const keys = criteria.map((entry: unknown) => {
    const { Field: field, SortOrder: order } = (entry ?? {}) as { Field?: unknown; SortOrder?: unknown };
    const sign = order === 'desc' ? -1 : 1;
    if (field === 'CreatedAt' || field === 'UpdatedAt') {
      return { sign, read: (f: Finding): number => Date.parse(String(f[field])) };
    }
    const accessor = typeof field === 'string' ? FIELDS[field] : undefined;
    if (!accessor) throw invalidInput(`The emulator does not model sorting by ${String(field)}`);
    return { sign, read: (f: Finding): string => accessor(f, '')[0] ?? '' };
  });
  return (a, b) => {
    for (const { sign, read } of keys) {
      const [x, y] = [read(a), read(b)];
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return 0;
  };
}
