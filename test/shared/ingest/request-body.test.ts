import { describe, expect, it } from 'vitest';
import { BrokerError } from '#shared/errors.js';
import { parseFindingsRequest } from '#shared/ingest/request-body.js';
import { MAX_FINDINGS_PER_REQUEST } from '#shared/limits.js';

function refusal(body: string | undefined, base64 = false): { status: number; code: string } {
  try {
    parseFindingsRequest(body, base64);
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

  it('decodes a base64 body as API Gateway passes binary payloads', () => {
    const body = Buffer.from(JSON.stringify({ Findings: [{ Id: 'a' }] })).toString('base64');
    expect(parseFindingsRequest(body, true)).toEqual([{ Id: 'a' }]);
  });
});
