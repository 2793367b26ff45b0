import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Powertools settings every function shares (the custom metrics namespace is read by the dashboard). */
export const POWERTOOLS = {
  serviceName: 'securityhub-broker',
  metricsNamespace: 'SecurityHubBroker',
  logLevel: 'INFO',
} as const;
export const FUNCTION_LOG_RETENTION = RetentionDays.THREE_MONTHS;

/**
 * ESM output still bundles CommonJS dependencies that call `require` (parts of the AWS SDK and
 * Powertools' X-Ray SDK). ESM has no `require`, so the bundle defines one from `createRequire`.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __brokerCreateRequire } from 'node:module'; const require = __brokerCreateRequire(import.meta.url);";

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
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not a copy of every source file inside the .map.
        sourcesContent: false,
        // Bundle the AWS SDK too: the deployed code runs exactly the versions package-lock.json pins
        // (and tested), not whatever SDK the managed runtime ships this month.
        externalModules: [],
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
