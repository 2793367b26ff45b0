import { describe, expect, it } from 'vitest';
import { issueToken } from '#shared/auth/partner-tokens.js';
import { bearerToken, invalidTokenDenial } from '#functions/authorizer/refusals.js';

describe('bearerToken', () => {
  const { token } = issueToken('acme');

  it('reads a token of the issued shape from a Bearer header, whatever the scheme case and the spaces around', () => {
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer ${token}`)).toBe(token);
    expect(bearerToken(`  BEARER   ${token} `)).toBe(token);
  });

  it.each([undefined, '', 'Bearer', `Basic ${'x'.repeat(20)}`, token, 'Bearer shb_abc.def', `Bearer ${token} extra`])(
    'finds no token in %j (missing or malformed: a 401)', (header) => {
      expect(bearerToken(header)).toBeUndefined();
    });
});

describe('invalidTokenDenial', () => {
  it('denies every method of the stage (API Gateway reuses it for the token) and says why in the context, without naming the token', () => {
    const denial = invalidTokenDenial('arn:aws:execute-api:us-east-1:111111111111:api/v1/POST/v1/findings');
    expect(denial.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: 'arn:aws:execute-api:us-east-1:111111111111:api/v1/*/*' },
    ]);
    expect(denial.context).toEqual({ refusalCode: 'InvalidToken', refusalMessage: expect.stringContaining('unknown or revoked') });
  });
});
