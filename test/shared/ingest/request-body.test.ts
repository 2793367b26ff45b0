import { describe, expect, it } from 'vitest';
import { BrokerError } from '#shared/errors.js';
import { MAX_BODY_DEPTH, nestingDepth, parseFindingsRequest } from '#shared/ingest/request-body.js';
import { MAX_FINDINGS_PER_REQUEST } from '#shared/limits.js';

function refusal(body: string | undefined): { status: number; code: string } {
  try {
    parseFindingsRequest(body);
  } catch (error) {
    if (error instanceof BrokerError) return { status: error.httpStatus, code: error.code };
    throw error;
  }
  throw new Error('accepted');
}

describe('parseFindingsRequest', () => {
  it.each([
    [undefined, 400, 'EmptyBody'],
    ['not json', 400, 'MalformedJson'],
    ['[1,2]', 400, 'InvalidBody'],
    ['{"Findings": {}}', 400, 'MissingFindings'],
    ['{"Findings": []}', 400, 'NoFindings'],
  ])('refuses %j with %i %s', (body, status, code) => {
    expect(refusal(body)).toEqual({ status, code });
  });

  it('refuses more findings than the per-request limit with 413', () => {
    const body = JSON.stringify({ Findings: Array.from({ length: MAX_FINDINGS_PER_REQUEST + 1 }, () => ({})) });
    expect(refusal(body)).toEqual({ status: 413, code: 'PayloadTooLarge' });
  });

  it('refuses a body nested deeper than MAX_BODY_DEPTH with 400 NestingTooDeep, before parsing it', () => {
    const depth = MAX_BODY_DEPTH + 1;
    const body = `{"Findings":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
    expect(refusal(body)).toEqual({ status: 400, code: 'NestingTooDeep' });
    // Unbalanced too: the refusal does not wait for the parser to find the missing brackets.
    expect(refusal(`{"Findings":[${'{"a":'.repeat(3 * MAX_BODY_DEPTH)}`)).toEqual({ status: 400, code: 'NestingTooDeep' });
  });

  it('still parses a finding nested 5,000 deep (refused alone later, rule maxDepth) and ignores brackets inside strings', () => {
    const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(parseFindingsRequest(`{"Findings":[{"ProductFields":${nested}},{}]}`)).toHaveLength(2);
    const text = `{"Findings":[{"Title":"${'[{'.repeat(MAX_BODY_DEPTH)}\\\"]"}]}`;
    expect(nestingDepth(text, MAX_BODY_DEPTH)).toBe(3);
    expect(parseFindingsRequest(text)).toHaveLength(1);
  });
});
