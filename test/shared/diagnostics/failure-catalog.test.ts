import { describe, expect, it } from 'vitest';
import { classifyAwsError, classifyFailedFinding } from '#shared/diagnostics/failure-catalog.js';

const context = { accountId: '222222222222', region: 'eu-west-1', productArn: 'arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner', roleArn: 'arn:aws:iam::222222222222:role/R' };
const awsError = (name: string, status?: number) => Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('failure catalog', () => {
  it.each([
    ['sts', 'AccessDenied', 403, 'permanent', 'AssumeRoleDenied', /sts:ExternalId/],
    ['securityhub', 'AccessDeniedException', 403, 'permanent', 'ProductNotSubscribed', /enable-import-findings-for-product --product-arn arn:aws:securityhub:eu-west-1/],
    ['securityhub', 'InvalidAccessException', 401, 'permanent', 'SecurityHubNotEnabled', /enable-security-hub --region eu-west-1/],
    ['securityhub', 'TooManyRequestsException', 429, 'transient', 'Throttled', /happened/],
    ['securityhub', 'InternalException', 500, 'transient', 'SecurityHubInternalError', /happened/],
    ['securityhub', 'ExpiredTokenException', 403, 'credentials-expired', 'ExpiredToken', /happened/],
  ] as const)('classifies %s %s as %s with code %s and the fix', (service, name, status, kind, code, message) => {
    const failure = classifyAwsError(service, awsError(name, status), context);
    expect(failure).toMatchObject({ kind, code });
    expect(failure.message).toMatch(message);
  });

  it('treats an error without an HTTP answer (network) and an unknown 5xx as transient, an unknown 4xx as permanent', () => {
    expect(classifyAwsError('securityhub', awsError('ECONNRESET'), context).kind).toBe('transient');
    expect(classifyAwsError('securityhub', awsError('Weird', 503), context).kind).toBe('transient');
    expect(classifyAwsError('securityhub', awsError('Weird', 400), context).kind).toBe('permanent');
  });

  it('never retries a per-finding failure', () => {
    expect(classifyFailedFinding('InvalidInput', 'Title too long', context)).toMatchObject({ kind: 'permanent', code: 'InvalidInput' });
    expect(classifyFailedFinding('SomethingNew', 'odd', context)).toMatchObject({ kind: 'permanent', code: 'SomethingNew', message: 'odd' });
  });
});
