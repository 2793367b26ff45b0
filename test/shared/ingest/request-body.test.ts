import { describe, expect, it } from 'vitest';
import { BrokerError } from '#shared/errors.js';
import { MAX_BODY_DEPTH, nestingDepth, parseFindingsRequest } from '#shared/ingest/request-body.js';
import { MAX_FINDINGS_PER_REQUEST } from '#shared/limits.js';

function refusal(body: string | undefined): { kind: string; code: string } {
  try {
    parseFindingsRequest(body);
  } catch (error) {
    if (error instanceof BrokerError) return { kind: error.kind, code: error.code };
    throw error;
  }
  throw new Error('accepted');
}

describe('parseFindingsRequest', () => {
  it.each([
    [undefined, 'EmptyBody'],
    ['not json', 'MalformedJson'],
    ['[1,2]', 'InvalidBody'],
    ['{"Findings": {}}', 'MissingFindings'],
    ['{"Findings": []}', 'NoFindings'],
  ])('refuses %j as invalid: %s', (body, code) => {
    expect(refusal(body)).toEqual({ kind: 'invalid', code });
  });

  it('refuses more findings than the per-request limit as too large', () => {
    const body = JSON.stringify({ Findings: Array.from({ length: MAX_FINDINGS_PER_REQUEST + 1 }, () => ({})) });
    expect(refusal(body)).toEqual({ kind: 'tooLarge', code: 'PayloadTooLarge' });
  });

  it('refuses a body nested deeper than MAX_BODY_DEPTH as invalid (NestingTooDeep), before parsing it', () => {
    const depth = MAX_BODY_DEPTH + 1;
    const body = `{"Findings":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
    expect(refusal(body)).toEqual({ kind: 'invalid', code: 'NestingTooDeep' });
    // Unbalanced too: the refusal does not wait for the parser to find the missing brackets.
    expect(refusal(`{"Findings":[${'{"a":'.repeat(3 * MAX_BODY_DEPTH)}`)).toEqual({ kind: 'invalid', code: 'NestingTooDeep' });
  });

  it('still parses a finding nested 5,000 deep (refused alone later, rule maxDepth) and ignores brackets inside strings', () => {
    const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(parseFindingsRequest(`{"Findings":[{"ProductFields":${nested}},{}]}`)).toHaveLength(2);
    const text = `{"Findings":[{"Title":"${'[{'.repeat(MAX_BODY_DEPTH)}\\\"]"}]}`;
    expect(nestingDepth(text, MAX_BODY_DEPTH)).toBe(3);
    expect(parseFindingsRequest(text)).toHaveLength(1);
  });
});
