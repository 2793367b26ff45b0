import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_BUNDLING } from '../bundling.js';

/** Powertools settings every function shares (the custom metrics namespace is read by the dashboard). */
export const POWERTOOLS = {
  serviceName: 'securityhub-broker',
  metricsNamespace: 'SecurityHubBroker',
  logLevel: 'INFO',
} as const;
export const FUNCTION_LOG_RETENTION = RetentionDays.THREE_MONTHS;


export interface BrokerFunctionProps {
  /** Absolute path of the handler module; its `handler` export is the Lambda handler. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment?: Record<string, string>;
}

/**
 * A broker Lambda function, secure and observable by default: Node.js 24 on arm64, an ESM bundle
 * built by the local esbuild (no Docker), X-Ray active, its own log group with retention, and its
 * own role that starts with nothing but writing to that log group. Callers add exactly the
 * permissions the function needs.
 */
export class BrokerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BrokerFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: FUNCTION_LOG_RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An own role instead of the default one, which attaches the AWS managed
    // AWSLambdaBasicExecutionRole (logs:CreateLogGroup/CreateLogStream/PutLogEvents on every group).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the broker's ${id} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: POWERTOOLS.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: POWERTOOLS.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: POWERTOOLS.logLevel,
        // Traces carry no payloads: a handler's response (finding ids and values, per-finding
        // errors quoting them) and error details stay out of X-Ray, as they stay out of logs.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
        NODE_OPTIONS: FUNCTION_BUNDLING.nodeOptions,
        ...props.environment,
      },
      bundling: {
        // One definition with the bench's bundles (../bundling.ts).
        format: OutputFormat.ESM,
        target: FUNCTION_BUNDLING.target,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: FUNCTION_BUNDLING.banner,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourceMap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        externalModules: [...FUNCTION_BUNDLING.externalModules],
        esbuildArgs: { '--alias': Object.entries(FUNCTION_BUNDLING.alias).map(([from, to]) => `${from}=${to}`) },
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });

    // Lambda adds these for Tracing.ACTIVE; acknowledged here, next to the cause.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions without resource-level permissions in the Service Authorization Reference use Resource "*": ' +
        'xray:PutTraceSegments and xray:PutTelemetryRecords (added by Lambda for active tracing), and on deliver the ' +
        'read-only securityhub:ListEnabledProductsForImport.',
    });
  }
}
