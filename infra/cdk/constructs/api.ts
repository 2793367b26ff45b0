import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Period,
  RequestAuthorizer,
  ResponseType,
  RestApi,
  type IModel,
  type IRequestValidator,
  type Method,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import { GATEWAY_ERROR_CODES, gatewayTemplate, type GatewayResponseType } from '#infra/gateway-responses.js';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const STAGE_NAME = 'prod';
/** Partner authorizer answers are cached per Authorization header for this long. */
export const AUTHORIZER_CACHE_TTL = Duration.minutes(5);
/** Per-partner limits, applied through the usage plan to partners whose API key the authorizer supplies. */
export const PARTNER_USAGE_PLAN = {
  rateLimit: 20,
  burstLimit: 40,
  /** Requests a day; at up to 1,000 findings a request this is far above any real partner. */
  dailyQuota: 500_000,
} as const;

/** The API resource policy's statements, by Sid (see `BrokerApi`). */
export const RESOURCE_POLICY_SIDS = {
  partnerRoutes: 'PartnerRoutesAnyCallerTheLambdaAuthorizerDecides',
  iamRoutes: 'IamRoutesSignedCallersFromOtherAccounts',
} as const;

export interface BrokerApiProps {
  readonly partnerAuthorizer: IFunction;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly requireApiKeys: boolean;
  readonly cloudWatchRole: boolean;
  /**
   * AWS Organizations ids: when given, callers from other accounts reach the IAM routes only if their
   * account belongs to one of these organizations (`aws:PrincipalOrgID`).
   */
  readonly iamCallerOrganizationIds?: readonly string[];
}

/**
 * The broker's REST API. Partner routes use the cached Lambda authorizer; customer (onboarding) and
 * operator routes use `addIamRoute` (AWS_IAM, SigV4). Every method has an authorizer: there is no
 * way to add an unauthenticated one through this construct.
 *
 * Resource policy. Customers call the IAM routes from their own AWS accounts, and API Gateway lets a
 * caller from another account in only when both the caller's identity policy and the API's resource
 * policy allow it. So the API carries a resource policy, built from the routes as they are added:
 * - IAM routes: `execute-api:Invoke` for any principal (`{"AWS":"*"}`) of another account, optionally
 *   only from the given organizations. AWS_IAM still demands a SigV4-signed request from an
 *   authenticated principal whose own identity policy allows the call. Principals of the broker's
 *   own account are left out on purpose: for them the resource policy stays silent, so (as before
 *   there was one) only their identity policy can let them in.
 * - Partner routes: `execute-api:Invoke` for anyone; partners are not AWS principals, and the Lambda
 *   authorizer decides (its answer is an explicit allow or a 401). Listing them keeps them working
 *   however API Gateway combines the resource policy with the authorizer's policy.
 * A change of the resource policy changes the deployment's logical id (CDK hashes the RestApi into
 * it), so it reaches the stage on the next deploy.
 *
 * Body size: API Gateway's hard limit is 10 MB, and it cannot be lowered; Lambda's synchronous
 * invocation payload limit (6 MB, event envelope included) is the effective cap, and ingest itself
 * rejects bodies over 6 MB (Security Hub's request limit) with 413.
 */
export class BrokerApi extends Construct {
  readonly restApi: RestApi;
  readonly usagePlan: UsagePlan;
  readonly accessLogs: LogGroup;
  private readonly authorizer: RequestAuthorizer;
  private readonly bodyValidator: IRequestValidator;
  private readonly jsonBody: IModel;
  private readonly requireApiKeys: boolean;
  private readonly iamCallerOrganizationIds: readonly string[];
  private partnerInvoke?: PolicyStatement;
  private iamInvoke?: PolicyStatement;

  constructor(scope: Construct, id: string, props: BrokerApiProps) {
    super(scope, id);
    this.requireApiKeys = props.requireApiKeys;
    this.iamCallerOrganizationIds = [...(props.iamCallerOrganizationIds ?? [])];
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new RestApi(this, 'Api', {
      description: 'Security Hub findings broker',
      endpointTypes: [EndpointType.REGIONAL],
      // Partners' usage-plan keys come from the authorizer (usageIdentifierKey), not an x-api-key header.
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
      cloudWatchRole: props.cloudWatchRole,
      // The role is account-wide (other APIs may rely on it): never delete it with this stack.
      ...(props.cloudWatchRole && { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }),
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        // Request and response bodies are customers' security findings: never log them.
        dataTraceEnabled: false,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            extendedRequestId: '$context.extendedRequestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            caller: '$context.identity.caller',
            partnerId: '$context.authorizer.partnerId',
            httpMethod: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationStatus: '$context.integration.status',
            authorizerStatus: '$context.authorizer.status',
            authorizerLatency: '$context.authorizer.latency',
            errorMessage: '$context.error.message',
            xrayTraceId: '$context.xrayTraceId',
          }),
        ),
      },
    });
    // The stack outputs the URL as ApiUrl; drop RestApi's own duplicate output.
    this.restApi.node.tryRemoveChild('Endpoint');
    if (props.cloudWatchRole) {
      const accountRole = this.restApi.node.findChild('CloudWatchRole');
      Validations.of(accountRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway uses to write execution and access logs; AWS documents this managed ' +
          'policy for it and keeps it current with the log actions API Gateway needs.',
      });
    }

    this.authorizer = new RequestAuthorizer(this, 'PartnerAuthorizer', {
      handler: props.partnerAuthorizer,
      identitySources: [IdentitySource.header('Authorization')],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });
    this.bodyValidator = this.restApi.addRequestValidator('BodyValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // Any JSON object or array: ingest validates the findings themselves and answers per finding.
    this.jsonBody = this.restApi.addModel('JsonBody', {
      contentType: 'application/json',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'JsonBody',
        type: [JsonSchemaType.OBJECT, JsonSchemaType.ARRAY],
      },
    });

    this.usagePlan = this.restApi.addUsagePlan('PartnerUsagePlan', {
      description: 'Per-partner throttle and quota; partner API keys are attached by the operator CLI',
      throttle: { rateLimit: PARTNER_USAGE_PLAN.rateLimit, burstLimit: PARTNER_USAGE_PLAN.burstLimit },
      quota: { limit: PARTNER_USAGE_PLAN.dailyQuota, period: Period.DAY },
      apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
    });

    this.addJsonGatewayResponses();

    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL: partners authenticate with bearer tokens checked by the Lambda authorizer, the stage and ' +
        'usage plan throttle, and WAF body inspection (8-64 KB) cannot cover 6 MB finding batches.',
    });
  }

  /**
   * A partner route: the cached partner authorizer, optional API key, and for a method with a body
   * (POST, PUT) a JSON body required. A GET gets no body model: API Gateway would validate its absent
   * body against it and answer 400.
   */
  addPartnerRoute(path: string, httpMethod: string, handler: IFunction): Method {
    const takesBody = httpMethod === 'POST' || httpMethod === 'PUT';
    const method = this.restApi.root.resourceForPath(path).addMethod(httpMethod, integrationFor(handler), {
      authorizationType: AuthorizationType.CUSTOM,
      authorizer: this.authorizer,
      apiKeyRequired: this.requireApiKeys,
      ...(takesBody ? { requestValidator: this.bodyValidator, requestModels: { 'application/json': this.jsonBody } } : {}),
    });
    this.partnerInvoke ??= this.addInvokeStatement(RESOURCE_POLICY_SIDS.partnerRoutes, {});
    this.partnerInvoke.addResources(invokeResource(httpMethod, path));
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Partners are machine clients holding broker-issued bearer tokens (salted hashes in DynamoDB, revocable); ' +
        'the cached Lambda REQUEST authorizer checks them. There are no end users for a Cognito user pool.',
    });
    return method;
  }

  /**
   * An IAM-authorised route (customer onboarding, operator DLQ API). Who may call it is decided by
   * the caller's IAM policy (`execute-api:Invoke` on `restApi.arnForExecuteApi(method, path)`) and,
   * for callers from other accounts, the resource policy too (see the class comment).
   */
  addIamRoute(path: string, httpMethod: string, handler: IFunction): Method {
    const method = this.restApi.root.resourceForPath(path).addMethod(httpMethod, integrationFor(handler), {
      authorizationType: AuthorizationType.IAM,
      requestValidator: this.bodyValidator,
    });
    this.iamInvoke ??= this.addInvokeStatement(RESOURCE_POLICY_SIDS.iamRoutes, {
      // Other accounts only: the broker's own principals need (and are governed by) their identity policy.
      StringNotEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID },
      ...(this.iamCallerOrganizationIds.length > 0 && {
        StringEquals: { 'aws:PrincipalOrgID': [...this.iamCallerOrganizationIds] },
      }),
    });
    this.iamInvoke.addResources(invokeResource(httpMethod, path));
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Signed with SigV4 by AWS principals (customers, operators); IAM authorises them, not a Cognito user pool.',
    });
    return method;
  }

  /** An Allow of `execute-api:Invoke` to `{"AWS":"*"}` in the API's resource policy; routes add resources. */
  private addInvokeStatement(sid: string, conditions: Record<string, Record<string, unknown>>): PolicyStatement {
    const statement = new PolicyStatement({
      sid,
      effect: Effect.ALLOW,
      principals: [new AnyPrincipal()],
      actions: ['execute-api:Invoke'],
      ...(Object.keys(conditions).length > 0 && { conditions }),
    });
    this.restApi.addToResourcePolicy(statement);
    return statement;
  }

  /** API Gateway's own errors (auth, validation, throttling, size) answer in the functions' error shape (infra/gateway-responses.ts). */
  private addJsonGatewayResponses(): void {
    for (const type of Object.keys(GATEWAY_ERROR_CODES) as GatewayResponseType[]) {
      this.restApi.addGatewayResponse(`${GATEWAY_ERROR_CODES[type]}Response`, {
        type: ResponseType.of(type),
        templates: { 'application/json': gatewayTemplate(type) },
      });
    }
  }
}

/**
 * The resource-policy form of a method's ARN, `execute-api:/<stage>/<METHOD>/<path>`, which API
 * Gateway expands to this API's ARN (a reference to the API itself would be circular). Any stage;
 * a path parameter such as `{company}` matches any value.
 */
function invokeResource(httpMethod: string, path: string): string {
  const resourcePath = path.replace(/^\/+/, '').replace(/\{[^}]+\}/g, '*');
  return `execute-api:/*/${httpMethod.toUpperCase()}/${resourcePath}`;
}

function integrationFor(handler: IFunction): LambdaIntegration {
  // No test-invoke permission: the console's test button is not worth a second invoke grant.
  return new LambdaIntegration(handler, { proxy: true, allowTestInvoke: false });
}
