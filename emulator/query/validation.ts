/**
 * Input constraints of the awsQuery services (STS and IAM, from their service models, botocore
 * sts/2011-06-15/service-2.json and iam/2010-05-08/service-2.json), reported the way AWS's front end
 * does: "N validation error(s) detected: Value 'x' at 'member' failed to satisfy constraint: ...",
 * joined with "; ". Code ValidationError, HTTP 400
 * (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html,
 * https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html). Assumption: the message
 * wording, the "Value null" form for a missing member and the order of violations are as AWS's front
 * end writes them (observed); no document specifies them.
 */
import { AwsServiceError } from '../errors.js';

export interface StringRule {
  member: string;
  value: string | undefined;
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  patternText?: string;
}

export function stringViolations(rule: StringRule): string[] {
  if (rule.value === undefined) {
    return rule.required ? [`Value null at '${rule.member}' failed to satisfy constraint: Member must not be null`] : [];
  }
  const shown = `Value '${rule.value}' at '${rule.member}' failed to satisfy constraint: Member must`;
  const out: string[] = [];
  if (rule.min !== undefined && rule.value.length < rule.min) out.push(`${shown} have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && rule.value.length > rule.max) out.push(`${shown} have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(rule.value)) out.push(`${shown} satisfy regular expression pattern: ${rule.patternText}`);
  return out;
}

export function throwIfInvalid(violations: string[]): void {
  if (violations.length === 0) return;
  const count = violations.length === 1 ? '1 validation error' : `${violations.length} validation errors`;
  throw new AwsServiceError('ValidationError', 400, `${count} detected: ${violations.join('; ')}`);
}
