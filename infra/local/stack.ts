import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PARTNER_METHODS } from '#functions/ingest/routes.js';
import { NO_LEDGER } from '#shared/ledger/ledger-model.js';
import { ONBOARDING_METHODS } from '#functions/onboarding/routes.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { startApiFront, type ApiFront, type AuthorizerHandler, type ProxyHandler } from './api-front.js';
import { ensureTable, startDynamo } from './dynamo.js';
import { startEmulator, type Emulator } from '#emulator/index.js';
import { DEFAULTS } from '#infra/cdk/config.js';
import { FIFO_MAX_BATCH } from '#shared/limits.js';
import { startQueues } from './queues.js';
import { interceptLocalhostDns } from 'fauxqs';
import { SqsPoller, type SqsHandler } from './sqs-poller.js';
import type { ScheduledEvent } from 'aws-lambda';
import type { RoleInput } from '#emulator/types.js';
import { heartbeatSessionName } from '#shared/heartbeat/delivery-principal.js';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_SECONDS } from '#shared/heartbeat/heartbeat-schedule.js';
import type { HeartbeatReport } from '#shared/heartbeat/send-heartbeats.js';
import { lambdaContext } from './lambda-context.js';
import { clientConfig, type AwsEnvironment } from '#functions/aws-environment.js';
import { readConfig } from '#shared/config.js';

export interface LocalStackOptions {
  /** 0 (the default) picks a free port. */
  apiPort?: number;
  emulatorPort?: number;
  dynamoPort?: number;
  sqsPort?: number;
  /** Persist DynamoDB, SQS and the emulated AWS accounts (STS/IAM/Security Hub) under this folder; in memory when absent. */
  dataDir?: string;
  region?: string;
  /** Seconds before a record left for retry is received again (the deployed queue uses 6x the function timeout). */
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  /** Records per deliver invocation, as the event source mapping's BatchSize (at most 10: the queue is FIFO). */
  batchSize?: number;
  /** Deliver invocations at once, as the event source mapping's maximum concurrency; the CDK stack's default when absent. */
  deliverConcurrency?: number;
  logLevel?: string;
  /**
   * Start polling the delivery queue at once (default). `npm start` starts it itself once the demo
   * customer is seeded again: after a restart the queue may already hold findings for it.
   */
  startPoller?: boolean;
  /** Deliver's suspension policy (SUSPEND_AFTER_FAILURES / SUSPEND_AFTER_SECONDS); the deployed defaults when absent. */
  suspendAfter?: { failures: number; seconds: number };
  /**
   * Run a heartbeat round every HEARTBEAT_INTERVAL_MS of wall time while the stack runs, as the
   * deployed schedule does (default). False: only when heartbeat() is called (tests, which advance
   * the emulator's clock instead of waiting).
   */
  heartbeatTimer?: boolean;
  /** Run without the finding ledger (LEDGER_TABLE_NAME=NO_LEDGER): only the benchmark's baseline does, to measure what the ledger costs. */
  withoutLedger?: boolean;
}

/** The broker's handlers as this stack built them, for tests that call one directly. */
export interface LocalHandlers {
  authorizer: unknown;
  ingest: unknown;
  onboarding: unknown;
  /** A new deliver container: its own clients and caches. */
  newDeliverContainer(): SqsHandler;
}

/** The broker on its services (startBrokerOn): its API, its handlers and the poller in front of deliver. */
export interface LocalBroker {
  apiUrl: string;
  registry: DynamoRegistry;
  sqs: SQSClient;
  poller: SqsPoller;
  handlers: LocalHandlers;
  /** Runs one heartbeat round now (functions/heartbeat), as the EventBridge schedule would. */
  heartbeat(): Promise<HeartbeatReport>;
  stop(): Promise<void>;
}

/** The whole broker on one machine: the broker and the services it runs on. */
export interface LocalStack extends LocalBroker {
  region: string;
  emulator: Emulator;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** The SQS endpoint by IP, for awscli and the operator CLI (queue URLs name sqs.<region>.localhost). */
  sqsIpEndpoint: string;
  deliveryQueueArn: string;
  deadLetterQueueArn: string;
  tableName: string;
  deliveryQueueUrl: string;
  deadLetterQueueUrl: string;
  /** The account the broker runs in (the partner's, for cross-account-role delivery). */
  brokerAccountId: string;
  /** The principal customers' roles trust for delivery: the deliver function's role. */
  brokerPrincipalArn: string;
  /** The verifier principal customers' roles also trust: the onboarding function's role. */
  verifierPrincipalArn: string;
}

export const LOCAL_BROKER = {
  accountId: '111111111111',
  principalArn: 'arn:aws:iam::111111111111:role/SecurityHubBroker-deliver',
  accessKeyId: 'AKIALOCALBROKER00001',
  secretAccessKey: 'local-broker-secret-key-for-the-emulator-only',
  /** The onboarding function's role, with its own key: in AWS each function has its own execution role. */
  verifierPrincipalArn: 'arn:aws:iam::111111111111:role/SecurityHubBroker-onboarding',
  verifierAccessKeyId: 'AKIALOCALVERIFIER001',
  verifierSecretAccessKey: 'local-verifier-secret-key-for-the-emulator-only',
  /** The operator's user in the broker account: the operator CLI signs with it locally (audit records name it). */
  operatorArn: 'arn:aws:iam::111111111111:user/operator',
  operatorAccessKeyId: 'AKIALOCALOPERATOR001',
  operatorSecretAccessKey: 'local-operator-secret-key-for-the-emulator-only',
  /** The heartbeat function's role, with its own key: it acts as the delivery principal only by assuming it. */
  heartbeatPrincipalArn: 'arn:aws:iam::111111111111:role/SecurityHubBroker-heartbeat',
  heartbeatAccessKeyId: 'AKIALOCALHEARTBEAT01',
  heartbeatSecretAccessKey: 'local-heartbeat-secret-key-for-the-emulator-only',
  tableName: 'securityhub-broker',
  ledgerTableName: 'securityhub-broker-ledger',
  customerRoleNamePrefix: 'SecurityHubFindingsBroker',
  roleSessionNamePrefix: 'securityhub-broker',
} as const;

/** Where the broker's AWS services listen: in this process (startLocalStack) or another (the benchmark). */
export interface ServiceEndpoints {
  region: string;
  emulatorUrl: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  sqsIpEndpoint: string;
  deliveryQueueUrl: string;
  deadLetterQueueUrl: string;
  deliveryQueueArn: string;
  deadLetterQueueArn: string;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
}

export interface LocalServices extends ServiceEndpoints {
  emulator: Emulator;
  /** DynamoDB requests served so far, by operation (the benchmark's cost figures). */
  dynamoRequests(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * The AWS side of the local stack: the STS/Security Hub emulator with the broker's own identities,
 * dynalite with the registry table, fauxqs with the FIFO queues. The benchmark runs them in a
 * process of their own, so the broker's CPU is measured apart from theirs.
 */
export async function startLocalServices(options: LocalStackOptions = {}): Promise<LocalServices> {
  const region = options.region ?? 'us-east-1';
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 2;
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  // The emulated customer accounts outlive the broker, as in AWS: their roles, hubs and imported
  // findings are kept under the data dir, so a restart (or a crash) of the broker finds them again.
  const emulator = await startEmulator({ port: options.emulatorPort ?? 0, ...(options.dataDir ? { dataDir: join(options.dataDir, 'emulator') } : {}) });
  emulator.state.addAccount(LOCAL_BROKER.accountId);
  emulator.state.addAccessKey({ accountId: LOCAL_BROKER.accountId, principalArn: LOCAL_BROKER.principalArn,
    accessKeyId: LOCAL_BROKER.accessKeyId, secretAccessKey: LOCAL_BROKER.secretAccessKey });
  emulator.state.addAccessKey({ accountId: LOCAL_BROKER.accountId, principalArn: LOCAL_BROKER.verifierPrincipalArn,
    accessKeyId: LOCAL_BROKER.verifierAccessKeyId, secretAccessKey: LOCAL_BROKER.verifierSecretAccessKey });
  emulator.state.addAccessKey({ accountId: LOCAL_BROKER.accountId, principalArn: LOCAL_BROKER.operatorArn,
    accessKeyId: LOCAL_BROKER.operatorAccessKeyId, secretAccessKey: LOCAL_BROKER.operatorSecretAccessKey });
  emulator.state.addAccessKey({ accountId: LOCAL_BROKER.accountId, principalArn: LOCAL_BROKER.heartbeatPrincipalArn,
    accessKeyId: LOCAL_BROKER.heartbeatAccessKeyId, secretAccessKey: LOCAL_BROKER.heartbeatSecretAccessKey });
  emulator.state.putRole(deliveryPrincipalRole());
  const dynamo = await startDynamo(options.dynamoPort ?? 0, options.dataDir && join(options.dataDir, 'dynamodb'));
  const queues = await startQueues({
    port: options.sqsPort ?? 0, region, maxReceiveCount, visibilityTimeoutSeconds,
    ...(options.dataDir ? { dataDir: join(options.dataDir, 'sqs') } : {}),
  });
  const dynamoClient = new DynamoDBClient({ region, endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(dynamoClient, LOCAL_BROKER.tableName);
  await ensureTable(dynamoClient, LOCAL_BROKER.ledgerTableName, { index: false });
  dynamoClient.destroy();
  return {
    region, emulator, emulatorUrl: emulator.url, dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: queues.endpoint, sqsIpEndpoint: queues.ipEndpoint,
    deliveryQueueUrl: queues.deliveryQueueUrl, deadLetterQueueUrl: queues.deadLetterQueueUrl,
    deliveryQueueArn: queues.deliveryQueueArn, deadLetterQueueArn: queues.deadLetterQueueArn,
    maxReceiveCount, visibilityTimeoutSeconds, dynamoRequests: () => dynamo.requestCounts(),
    stop: async () => {
      await queues.stop();
      await dynamo.stop();
      await emulator.stop();
    },
  };
}

/**
 * The delivery principal as a role in the emulator, as the CDK stack makes the deliver role for the
 * heartbeat (infra/cdk/constructs/functions.ts): the heartbeat's principal may assume it under its
 * session name, and its sessions may assume customer roles by the agreed prefix. The deliver function
 * itself runs with the principal's own key, so nothing changes for it.
 */
function deliveryPrincipalRole(): RoleInput {
  return {
    accountId: LOCAL_BROKER.accountId,
    roleName: LOCAL_BROKER.principalArn.slice(LOCAL_BROKER.principalArn.indexOf('/') + 1),
    trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: LOCAL_BROKER.heartbeatPrincipalArn }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:RoleSessionName': heartbeatSessionName(LOCAL_BROKER.roleSessionNamePrefix) } } }] },
    permissionPolicies: { AssumeCustomerRoles: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole',
      Resource: `arn:aws:iam::*:role/${LOCAL_BROKER.customerRoleNamePrefix}*` }] } },
  };
}

/** What EventBridge hands a scheduled Lambda target (the heartbeat reads none of it). */
function scheduledEvent(region: string): ScheduledEvent {
  return {
    version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: LOCAL_BROKER.accountId,
    time: new Date().toISOString(), region, resources: [`arn:aws:events:${region}:${LOCAL_BROKER.accountId}:rule/heartbeat`], detail: {},
  };
}

/** Counts the brokers running in this process: fauxqs's DNS patch stays on until the last one stops. */
let runningBrokers = 0;
let restoreDns: (() => void) | undefined;

/**
 * The broker itself on the given services: the real handlers behind an API Gateway-like front, and a
 * poller in place of the event source mapping. Each handler is built by its factory
 * (functions/<name>/create-handler.ts) from the environment the CDK stack would give it, validated by
 * the same schema, and from explicit AWS endpoints and keys: nothing is written to the process's AWS
 * or broker variables, so several brokers fit in one process. Only Powertools' logger, metrics and
 * tracer are process-wide (as in a Lambda runtime), configured by POWERTOOLS_* before the handlers load.
 * Without `verifyCredentials` (the emulator's key lookup, for SigV4) only the partner routes are served.
 */
export async function startBrokerOn(
  services: ServiceEndpoints,
  options: LocalStackOptions,
  emulator?: Pick<Emulator, 'state'>,
): Promise<LocalBroker> {
  const { region, maxReceiveCount, visibilityTimeoutSeconds } = services;
  // Queue URLs name sqs.<region>.localhost, which resolves only with fauxqs's DNS patch (a no-op where startQueues set it).
  if (runningBrokers++ === 0) restoreDns = interceptLocalhostDns();
  process.env.POWERTOOLS_SERVICE_NAME ??= 'securityhub-broker';
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = options.logLevel ?? 'WARN';
  const [{ logger }, authorizerModule, ingestModule, deliverModule, onboardingModule, heartbeatModule] = await Promise.all([
    import('#functions/observability.js'),
    import('#functions/authorizer/create-handler.js'),
    import('#functions/ingest/create-handler.js'),
    import('#functions/deliver/create-handler.js'),
    import('#functions/onboarding/create-handler.js'),
    import('#functions/heartbeat/create-handler.js'),
  ]);
  // Set again for a second broker in this process: the logger read the variable when it was first loaded.
  logger.setLogLevel((options.logLevel ?? 'WARN') as Parameters<typeof logger.setLogLevel>[0]);

  // What the CDK stack sets on the functions (infra/cdk/constructs/functions.ts), for this stack.
  const environment: Record<string, string> = {
    TABLE_NAME: LOCAL_BROKER.tableName,
    LEDGER_TABLE_NAME: options.withoutLedger ? NO_LEDGER : LOCAL_BROKER.ledgerTableName,
    DELIVERY_QUEUE_URL: services.deliveryQueueUrl,
    DEAD_LETTER_QUEUE_URL: services.deadLetterQueueUrl,
    MAX_RECEIVE_COUNT: String(maxReceiveCount),
    ROLE_SESSION_NAME_PREFIX: LOCAL_BROKER.roleSessionNamePrefix,
    DELIVERY_PRINCIPAL_ARN: LOCAL_BROKER.principalArn,
    VERIFIER_PRINCIPAL_ARN: LOCAL_BROKER.verifierPrincipalArn,
    CUSTOMER_ROLE_NAME_PREFIX: LOCAL_BROKER.customerRoleNamePrefix,
    ...(options.suspendAfter
      ? { SUSPEND_AFTER_FAILURES: String(options.suspendAfter.failures), SUSPEND_AFTER_SECONDS: String(options.suspendAfter.seconds) }
      : {}),
  };
  // Each function with its own principal's key, as each has its own execution role in AWS.
  const awsAs = (accessKeyId: string, secretAccessKey: string): AwsEnvironment => ({
    region,
    credentials: { accessKeyId, secretAccessKey },
    endpoints: { dynamodb: services.dynamoEndpoint, sqs: services.sqsEndpoint, sts: services.emulatorUrl, securityhub: services.emulatorUrl },
  });
  const brokerAws = awsAs(LOCAL_BROKER.accessKeyId, LOCAL_BROKER.secretAccessKey);
  const handlers = {
    authorizer: authorizerModule.createAuthorizerHandler(readConfig(authorizerModule.AUTHORIZER_ENVIRONMENT, environment), brokerAws),
    ingest: ingestModule.createIngestHandler(readConfig(ingestModule.INGEST_ENVIRONMENT, environment), brokerAws),
    onboarding: onboardingModule.createOnboardingHandler(readConfig(onboardingModule.ONBOARDING_ENVIRONMENT, environment),
      awsAs(LOCAL_BROKER.verifierAccessKeyId, LOCAL_BROKER.verifierSecretAccessKey)),
  };
  const dynamoClient = new DynamoDBClient(clientConfig(brokerAws, 'dynamodb'));
  const sqs = new SQSClient(clientConfig(brokerAws, 'sqs'));

  const onboardingRoute = (method: string, resource: string) =>
    ({ method, resource, auth: 'iam' as const, functionName: 'onboarding', handler: handlers.onboarding as unknown as ProxyHandler });
  const front: ApiFront = await startApiFront({
    port: options.apiPort ?? 0, region, accountId: LOCAL_BROKER.accountId, stage: 'v1',
    authorizer: handlers.authorizer as unknown as AuthorizerHandler,
    credentials: emulator
      ? { lookup: (accessKeyId) => emulator.state.credentials.lookup(accessKeyId), now: () => emulator.state.clock.now() }
      : { lookup: () => undefined, now: () => Date.now() },
    routes: [
      ...PARTNER_METHODS.map(({ method, resource }) => ({ method, resource, functionName: 'ingest', handler: handlers.ingest as unknown as ProxyHandler })),
      ...(emulator ? ONBOARDING_METHODS.map(({ method, resource }) => onboardingRoute(method, resource)) : []),
    ],
  });
  // One deliver handler per simulated container, each with its own clients and caches, as Lambda scales the mapping.
  // Locally the ledger keeps time by the emulator's clock, so a test that advances it sees change-only refreshes come due.
  const ledgerClock = emulator ? () => emulator.state.clock.now() : undefined;
  const deliverConfig = readConfig(deliverModule.DELIVER_ENVIRONMENT, environment);
  const newDeliverContainer = () =>
    deliverModule.createDeliverHandler(deliverConfig, brokerAws, ledgerClock ? { ledgerClock } : {}) as unknown as SqsHandler;
  const containers = Array.from({ length: options.deliverConcurrency ?? DEFAULTS.deliverMaxConcurrency }, newDeliverContainer);
  const poller = new SqsPoller(sqs, containers, {
    queueUrl: services.deliveryQueueUrl,
    queueArn: services.deliveryQueueArn,
    region, batchSize: options.batchSize ?? FIFO_MAX_BATCH, functionName: 'deliver',
    timeoutMs: DEFAULTS.deliverTimeoutSeconds * 1000, visibilityTimeoutSeconds,
  });
  if (options.startPoller !== false) poller.start();
  // The heartbeat, stamped by the emulator's clock like the ledger; EventBridge's schedule becomes a
  // wall-clock timer (the emulator's clock only moves when a test advances it).
  const heartbeatHandler = heartbeatModule.createHeartbeatHandler(readConfig(heartbeatModule.HEARTBEAT_ENVIRONMENT, environment),
    awsAs(LOCAL_BROKER.heartbeatAccessKeyId, LOCAL_BROKER.heartbeatSecretAccessKey), ledgerClock ? { clock: ledgerClock } : {});
  let heartbeatRound: Promise<unknown> = Promise.resolve();
  const heartbeat = (): Promise<HeartbeatReport> => {
    const round = heartbeatHandler(scheduledEvent(region), lambdaContext('heartbeat', HEARTBEAT_TIMEOUT_SECONDS * 1000));
    heartbeatRound = round.catch(() => undefined);
    return round;
  };
  const heartbeatTimer = options.heartbeatTimer === false ? undefined : setInterval(() => {
    heartbeat().catch((error: unknown) => process.stderr.write(`heartbeat: ${(error as Error).message}\n`));
  }, HEARTBEAT_INTERVAL_MS).unref();
  return {
    apiUrl: front.url, registry: new DynamoRegistry(dynamoClient, LOCAL_BROKER.tableName), sqs, poller, heartbeat,
    handlers: { ...handlers, newDeliverContainer },
    stop: async () => {
      clearInterval(heartbeatTimer);
      await heartbeatRound;
      await poller.stop();
      await front.stop();
      dynamoClient.destroy();
      sqs.destroy();
      if (--runningBrokers === 0) restoreDns?.();
    },
  };
}

/**
 * The whole broker on one machine: dynalite, fauxqs, the STS/Security Hub emulator, the real
 * handlers behind an API Gateway-like front, and a poller in place of the event source mapping.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const services = await startLocalServices(options);
  const broker = await startBrokerOn(services, options, services.emulator).catch(async (error: unknown) => {
    await services.stop();
    throw error;
  });
  return {
    ...broker, region: services.region, emulator: services.emulator, dynamoEndpoint: services.dynamoEndpoint,
    sqsEndpoint: services.sqsEndpoint, sqsIpEndpoint: services.sqsIpEndpoint,
    deliveryQueueArn: services.deliveryQueueArn, deadLetterQueueArn: services.deadLetterQueueArn,
    tableName: LOCAL_BROKER.tableName, deliveryQueueUrl: services.deliveryQueueUrl, deadLetterQueueUrl: services.deadLetterQueueUrl,
    brokerAccountId: LOCAL_BROKER.accountId, brokerPrincipalArn: LOCAL_BROKER.principalArn, verifierPrincipalArn: LOCAL_BROKER.verifierPrincipalArn,
    stop: async () => {
      await broker.stop();
      await services.stop();
    },
  };
}
