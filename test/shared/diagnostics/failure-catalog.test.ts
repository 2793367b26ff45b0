import { describe, expect, it } from 'vitest';
import { classifyAwsError, classifyDiagnosedAccess, classifyFailedFinding, undiagnosedAccess } from '#shared/diagnostics/failure-catalog.js';

const context = { accountId: '222222222222', region: 'eu-west-1', productArn: 'arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner', roleArn: 'arn:aws:iam::222222222222:role/R' };
const awsError = (name: string, status?: number) => Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('failure catalog', () => {
  it.each([
    ['sts', 'AccessDenied', 403, 'permanent', 'AssumeRoleDenied', /sts:ExternalId/],
    ['securityhub', 'AccessDeniedException', 403, 'permanent', 'ImportAccessDenied', /allow securityhub:BatchImportFindings on that product ARN.*control polic/],
    ['securityhub', 'InvalidAccessException', 401, 'permanent', 'SecurityHubNotEnabled', /enable-security-hub --region eu-west-1/],
    ['securityhub', 'TooManyRequestsException', 429, 'transient', 'Throttled', /happened/],
    ['securityhub', 'LimitExceededException', 429, 'transient', 'Throttled', /happened/],
    ['securityhub', 'ThrottlingException', 429, 'transient', 'Throttled', /happened/],
    ['securityhub', 'SlowDownPlease', 429, 'transient', 'Throttled', /happened/],
    ['sts', 'Throttling', 400, 'transient', 'Throttled', /happened/],
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

  it('marks a per-finding InvalidAccess for diagnosis, with both possible fixes until the cause is known', () => {
    const refused = classifyFailedFinding('InvalidAccess', 'access refused', context);
    expect(refused).toMatchObject({ kind: 'access-refused', code: 'ImportAccessRefused', awsMessage: 'access refused' });
    expect(refused.message).toMatch(/enable-security-hub --region eu-west-1.*enable-import-findings-for-product --product-arn arn:aws:securityhub:eu-west-1/);
    expect(undiagnosedAccess(refused, 'look failed')).toMatchObject({ kind: 'permanent', code: 'ImportAccessRefused' });
    expect(undiagnosedAccess(refused, 'look failed').message).toMatch(/Cause not determined: look failed\]$/);
  });

  it('names the one fix once the cause of an InvalidAccess is known, keeping AWS\'s words', () => {
    const refused = classifyFailedFinding('InvalidAccess', 'access refused', context);
    const hubOff = classifyDiagnosedAccess('SecurityHubNotEnabled', refused, context);
    expect(hubOff).toMatchObject({ kind: 'permanent', code: 'SecurityHubNotEnabled' });
    expect(hubOff.message).toMatch(/^Security Hub is not enabled in account 222222222222, Region eu-west-1\. Run `aws securityhub enable-security-hub --region eu-west-1`.*\(AWS said: access refused\)$/);
    const productOff = classifyDiagnosedAccess('ProductNotSubscribed', refused, context);
    expect(productOff).toMatchObject({ kind: 'permanent', code: 'ProductNotSubscribed' });
    expect(productOff.message).toContain('`aws securityhub enable-import-findings-for-product --product-arn arn:aws:securityhub:eu-west-1:111111111111:product/acme/scanner --region eu-west-1`');
    expect(productOff.message).not.toContain('enable-security-hub');
  });

  it('never retries a per-finding failure', () => {
    expect(classifyFailedFinding('InvalidInput', 'Title too long', context)).toMatchObject({ kind: 'permanent', code: 'InvalidInput' });
    expect(classifyFailedFinding('SomethingNew', 'odd', context)).toMatchObject({ kind: 'permanent', code: 'SomethingNew', message: 'odd' });
  });
});
