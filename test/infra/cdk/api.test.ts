import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, resourcesOf, synthesizeBroker } from './fixture.js';
import { GATEWAY_ERROR_CODES } from '#infra/gateway-responses.js';

let template: Template;
beforeAll(() => {
  ({ template } = synthesizeBroker());
});

const methods = () => Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'));
const ingestArn = () => ({ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsIngestFunction'), 'Arn'] });
/** The partner methods: those the ingest function serves (the onboarding routes are in onboarding.test.ts). */
const partnerMethods = (of: Template = template) => {
  const arn = JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(of, 'AWS::Lambda::Function', 'FunctionsIngestFunction'), 'Arn'] });
  return Object.values(resourcesOf(of, 'AWS::ApiGateway::Method')).filter((m) => JSON.stringify(m.Properties.Integration.Uri).includes(arn));
};
const resourceIdOf = (pathPart: string) =>
  Object.entries(resourcesOf(template, 'AWS::ApiGateway::Resource')).find(([, r]) => r.Properties.PathPart === pathPart)?.[0];

describe('partner findings API', () => {
  it('serves POST /v1/findings, POST /v1/findings:validate, GET /v1/submissions, GET /v1/submissions/{submissionId} and POST /v1/scans/{scanId}/complete, all by the ingest function', () => {
    const pathParts = Object.values(resourcesOf(template, 'AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart);
    expect(pathParts).toEqual(expect.arrayContaining(['findings', 'findings:validate', 'submissions', '{submissionId}', 'scans', '{scanId}', 'complete', 'v1']));
    expect(partnerMethods().map((m) => `${m.Properties.HttpMethod} ${m.Properties.ResourceId.Ref}`).sort()).toEqual(
      [`POST ${resourceIdOf('findings')}`, `POST ${resourceIdOf('findings:validate')}`, `GET ${resourceIdOf('submissions')}`,
        `GET ${resourceIdOf('{submissionId}')}`, `POST ${resourceIdOf('complete')}`].sort(),
    );
    for (const method of partnerMethods()) {
      expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(JSON.stringify(ingestArn()));
      // A JSON body is required of the POSTs only: a GET has none to validate.
      if (method.Properties.HttpMethod === 'POST') expect(method.Properties.RequestModels).toEqual({ 'application/json': expect.anything() });
      else expect(method.Properties.RequestModels).toBeUndefined();
    }
  });

  it('has no method without authorization', () => {
    for (const method of methods()) {
      expect(method.Properties.AuthorizationType).not.toBe('NONE');
      expect(method.Properties.AuthorizationType).toBeDefined();
    }
  });

  it('guards every partner method with the partner Lambda authorizer, and no other method', () => {
    const authorizerId = logicalIdOf(template, 'AWS::ApiGateway::Authorizer', 'ApiPartnerAuthorizer');
    const custom = methods().filter((m) => m.Properties.AuthorizationType === 'CUSTOM');
    expect(custom).toHaveLength(partnerMethods().length);
    for (const method of partnerMethods()) {
      expect(method.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    }
  });

  it('caches the authorizer answer per Authorization header for 5 minutes', () => {
    const authorizerFn = logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsAuthorizerFunction');
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    const uri = JSON.stringify(Object.values(resourcesOf(template, 'AWS::ApiGateway::Authorizer'))[0]!.Properties.AuthorizerUri);
    expect(uri).toContain(authorizerFn);
  });

  it('validates that every partner POST has a JSON body', () => {
    const validatorId = logicalIdOf(template, 'AWS::ApiGateway::RequestValidator', 'ApiBodyValidator');
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    const modelId = logicalIdOf(template, 'AWS::ApiGateway::Model', 'ApiJsonBody');
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({ type: ['object', 'array'] }),
    });
    for (const method of partnerMethods().filter((m) => m.Properties.HttpMethod === 'POST')) {
      expect(method.Properties.RequestValidatorId).toEqual({ Ref: validatorId });
      expect(method.Properties.RequestModels).toEqual({ 'application/json': { Ref: modelId } });
    }
  });

  it('does not require API keys unless requireApiKeys is set, and takes keys from the authorizer', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
    for (const method of partnerMethods()) expect(method.Properties.ApiKeyRequired).toBe(false);
    const strict = synthesizeBroker({ context: { requireApiKeys: 'true' } }).template;
    expect(partnerMethods(strict)).toHaveLength(5);
    for (const method of partnerMethods(strict)) expect(method.Properties.ApiKeyRequired).toBe(true);
    // Keys come from the partner authorizer, so an IAM route can never require one.
    for (const method of Object.values(resourcesOf(strict, 'AWS::ApiGateway::Method'))) {
      if (method.Properties.AuthorizationType === 'AWS_IAM') expect(method.Properties.ApiKeyRequired).not.toBe(true);
    }
  });

  it('throttles partners through a usage plan with a rate, a burst and a daily quota on the stage', () => {
    const apiId = logicalIdOf(template, 'AWS::ApiGateway::RestApi', 'Api');
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      ApiStages: [Match.objectLike({ ApiId: { Ref: apiId }, Stage: { Ref: Match.stringLikeRegexp('^ApiDeploymentStageprod') } })],
      Throttle: { RateLimit: Match.anyValue(), BurstLimit: Match.anyValue() },
      Quota: { Limit: Match.anyValue(), Period: 'DAY' },
    });
  });

  it("answers API Gateway's own errors (auth, validation, size, throttling) in the functions' error shape {error: {code, message}}", () => {
    const responses = Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);
    expect(responses.map((r) => r.ResponseType).sort()).toEqual(Object.keys(GATEWAY_ERROR_CODES).sort());
    for (const { ResponseType: type, ResponseTemplates: templates } of responses) {
      expect(Object.keys(templates)).toEqual(['application/json']);
      // What API Gateway renders, with its variables filled in (each #if branch of the ACCESS_DENIED template on its own).
      const rendered = (templates['application/json'] as string)
        .replaceAll('$context.error.messageString', '"API Gateway\'s message"')
        .replaceAll('$context.error.validationErrorString', 'a validation error')
        .replaceAll('$context.authorizer.refusalCode', 'InvalidToken')
        .replaceAll('$context.authorizer.refusalMessage', 'unknown or revoked');
      const branches = rendered.startsWith('#if') ? /^#if\(.*?\)(.*)#else(.*)#end$/.exec(rendered)!.slice(1) : [rendered];
      for (const branch of branches) {
        expect(JSON.parse(branch), `${type}: ${branch}`).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    }
  });

  it('says what a 401 expects, and lets a Deny of the partner authorizer say why it refused', () => {
    const byType = Object.fromEntries(Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse'))
      .map((r) => [r.Properties.ResponseType, r.Properties.ResponseTemplates['application/json'] as string]));
    expect(JSON.parse(byType.UNAUTHORIZED!).error.message).toContain('Authorization: Bearer shb_');
    expect(byType.ACCESS_DENIED).toContain('$context.authorizer.refusalCode');
  });
});

describe('API stage', () => {
  const stage = () => Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0]!.Properties;

  it('writes JSON access logs, with the partner id, to its own log group with retention', () => {
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup', 'ApiAccessLogs');
    const { DestinationArn, Format } = stage().AccessLogSetting;
    expect(DestinationArn).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    const fields = JSON.parse(Format);
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      partnerId: '$context.authorizer.partnerId',
      ip: '$context.identity.sourceIp',
    });
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId]!.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('throttles every method, traces with X-Ray and logs errors without request bodies', () => {
    expect(stage().TracingEnabled).toBe(true);
    expect(stage().MethodSettings).toEqual([
      expect.objectContaining({
        ResourcePath: '/*',
        HttpMethod: '*',
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: true,
      }),
    ]);
  });

  it('has the account-level CloudWatch role API Gateway needs to write logs, unless told not to', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const without = synthesizeBroker({ context: { apiGatewayCloudWatchRole: 'false' } }).template;
    without.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('is regional', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });
});
