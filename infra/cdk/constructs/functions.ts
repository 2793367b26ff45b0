import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ArnPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { heartbeatSessionName } from '#shared/heartbeat/delivery-principal.js';
import { HEARTBEAT_INTERVAL_MINUTES, HEARTBEAT_TIMEOUT_SECONDS } from '#shared/heartbeat/heartbeat-schedule.js';
import { FIFO_MAX_BATCH } from '#shared/limits.js';
import { DEFAULTS } from '../config.js';
import type { HandlerName } from '../paths.js';
import { BrokerFunction } from './broker-function.js';
import type { DeliveryQueues } from './queues.js';
import type { RegistryTable } from './storage.js';
import type { LedgerTable } from './ledger-table.js';

/** API Gateway gives a Lambda integration 29 s; ingest answers (or fails) before that. */
export const INGEST_TIMEOUT = Duration.seconds(28);
/** Onboarding serves API Gateway too (29 s); a verification's STS and Security Hub calls fit well inside. */
export const ONBOARDING_TIMEOUT = Duration.seconds(28);
export const AUTHORIZER_TIMEOUT = Duration.seconds(10);
/** Two minutes (DEFAULTS.deliverTimeoutSeconds, which the local stack's poller uses too). */
export const DELIVER_TIMEOUT = Duration.seconds(DEFAULTS.deliverTimeoutSeconds);
/** A FIFO mapping's most (FIFO_MAX_BATCH): ten 100-finding messages of one quota are ten full calls, 1 s of that quota. */
export const DELIVER_BATCH_SIZE = FIFO_MAX_BATCH;
/** Two minutes (HEARTBEAT_TIMEOUT_SECONDS, which the local stack's heartbeat uses too), well inside the five-minute schedule. */
export const HEARTBEAT_TIMEOUT = Duration.seconds(HEARTBEAT_TIMEOUT_SECONDS);

export interface BrokerFunctionsProps {
  readonly entries: Record<HandlerName, string>;
  readonly registry: RegistryTable;
  readonly ledger: LedgerTable;
  readonly queues: DeliveryQueues;
  readonly productArns: readonly string[];
  readonly partnerCompanyId?: string;
  readonly partnerProductId?: string;
  readonly customerRoleNamePrefix: string;
  readonly roleSessionNamePrefix: string;
  readonly deliverMaxConcurrency: number;
  /** Public https copy of infra/customer-role.yaml, for the onboarding API's quick-create link. */
  readonly customerRoleTemplateUrl?: string;
}

/**
 * The five Lambda functions and exactly the permissions each needs:
 * - authorizer: read the registry (partner tokens);
 * - ingest: read the registry, send to the delivery queue;
 * - deliver: read the registry and update registrations (access failures), consume the delivery
 *   queue, send to the DLQ, assume customer roles (by name prefix and session-name prefix, with an
 *   ExternalId), import findings with the broker's own credentials for the configured products;
 * - onboarding (the customer onboarding API): read the registry, put and update registrations,
 *   assume customer roles by the same name and session-name prefixes, with or without an ExternalId
 *   (the verifier principal: it proves a customer role refuses an AssumeRole without one). It has no
 *   Security Hub permissions: its checks in a customer account run with the customer role's credentials.
 * - heartbeat (every five minutes, EventBridge): read the registry and update registrations (access
 *   failures, quota buckets), assume the deliver role (only under its heartbeat session name) to
 *   assume customer roles as the delivery principal, import findings with its own credentials for the
 *   configured products as deliver does. No queue rights: heartbeats are never queued or dead-lettered.
 */
export class BrokerFunctions extends Construct {
  readonly authorizer: BrokerFunction;
  readonly ingest: BrokerFunction;
  readonly deliver: BrokerFunction;
  /** Its role is the verifier principal; the deliver role is the delivery principal. */
  readonly onboarding: BrokerFunction;
  /** Acts as the delivery principal by assuming the deliver role (role chaining), never as a principal of its own. */
  readonly heartbeat: BrokerFunction;
  /** Runs the heartbeat every HEARTBEAT_INTERVAL_MINUTES. */
  readonly heartbeatSchedule: Rule;
  /** The resource the deliver and onboarding roles may assume: `arn:<partition>:iam::*:role/<prefix>*`. */
  readonly customerRoleArnPattern: string;

  constructor(scope: Construct, id: string, props: BrokerFunctionsProps) {
    super(scope, id);
    const { registry, ledger, queues } = props;
    const tableName = registry.table.tableName;
    const ledgerTableName = ledger.table.tableName;

    this.authorizer = new BrokerFunction(this, 'Authorizer', {
      entry: props.entries.authorizer,
      description: 'Partner token authorizer for the findings API',
      timeout: AUTHORIZER_TIMEOUT,
      memorySize: 256,
      environment: { TABLE_NAME: tableName },
    });
    registry.grantRead(this.authorizer.role);

    this.ingest = new BrokerFunction(this, 'Ingest', {
      entry: props.entries.ingest,
      description: 'Validates partner findings and queues them for delivery',
      timeout: INGEST_TIMEOUT,
      // Parsing and validating up to 6 MB of JSON per request; arm64 CPU share grows with memory.
      memorySize: 1024,
      environment: { TABLE_NAME: tableName, LEDGER_TABLE_NAME: ledgerTableName, DELIVERY_QUEUE_URL: queues.deliveryQueue.queueUrl },
    });
    registry.grantRead(this.ingest.role);
    // The ledger: stale versions and submissions (batched reads and writes), a partner's submissions and
    // a scan's findings (Query), a scan's record (GetItem, and UpdateItem to start and complete it).
    ledger.grant(this.ingest.role, ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
    queues.grantSend(this.ingest.role, queues.deliveryQueue, 'DeliveryQueueSend');

    this.deliver = new BrokerFunction(this, 'Deliver', {
      entry: props.entries.deliver,
      description: 'Imports queued findings into Security Hub; dead-letters what cannot be delivered',
      timeout: DELIVER_TIMEOUT,
      memorySize: 512,
      environment: {
        TABLE_NAME: tableName,
        LEDGER_TABLE_NAME: ledgerTableName,
        DELIVERY_QUEUE_URL: queues.deliveryQueue.queueUrl,
        DEAD_LETTER_QUEUE_URL: queues.deadLetterQueue.queueUrl,
        MAX_RECEIVE_COUNT: String(queues.maxReceiveCount),
        ROLE_SESSION_NAME_PREFIX: props.roleSessionNamePrefix,
      },
    });
    // Deliver records access failures on the registration (UpdateItem); it never creates or deletes one.
    registry.grantReadWrite(this.deliver.role, ['dynamodb:UpdateItem']);
    // The ledger: what was accepted and imported before, and each finding's fate (batched reads and writes).
    ledger.grant(this.deliver.role, ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem']);
    queues.grantSend(this.deliver.role, queues.deadLetterQueue, 'DeadLetterQueueSend');
    // Findings whose quota was spent are re-queued as new messages (shared/delivery/record-fate.ts).
    queues.grantSend(this.deliver.role, queues.deliveryQueue, 'DeliveryQueueRequeue');
    this.deliver.function.addEventSource(
      new SqsEventSource(queues.deliveryQueue, {
        batchSize: DELIVER_BATCH_SIZE,
        reportBatchItemFailures: true,
        // The FIFO queue already gives each quota (message group) to one invocation at a time;
        // maxConcurrency bounds how many quotas are served at once (and so the STS and DynamoDB load)
        // instead of reserved concurrency, which would carve capacity out of the account's shared pool
        // (and fails to deploy in accounts with a low concurrency limit).
        maxConcurrency: props.deliverMaxConcurrency,
      }),
    );

    this.customerRoleArnPattern = `arn:${Aws.PARTITION}:iam::*:role/${props.customerRoleNamePrefix}*`;
    this.deliver.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AssumeCustomerRoles',
        effect: Effect.ALLOW,
        actions: ['sts:AssumeRole'],
        resources: [this.customerRoleArnPattern],
        conditions: {
          // Session names identify the broker in the customer's CloudTrail; no other name is allowed.
          StringLike: { 'sts:RoleSessionName': `${props.roleSessionNamePrefix}-*` },
          // Never assume a customer role without an ExternalId (confused-deputy protection).
          Null: { 'sts:ExternalId': 'false' },
        },
      }),
    );
    Validations.of(this.deliver.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${props.customerRoleNamePrefix}*]`,
      reason:
        'Customer roles live in accounts that register at run time, so the account is "*"; the role name is pinned ' +
        `to the agreed prefix "${props.customerRoleNamePrefix}", the session name to "${props.roleSessionNamePrefix}-*", ` +
        'an ExternalId is required, and each customer role trusts only this role with its own ExternalId.',
    });

    const productResources = importProductResources(props);
    grantImportFindings(this.deliver, productResources);

    this.onboarding = new BrokerFunction(this, 'Onboarding', {
      entry: props.entries.onboarding,
      description: 'Customer onboarding API: products, registrations, customer role and its verification',
      timeout: ONBOARDING_TIMEOUT,
      memorySize: 512,
      environment: {
        TABLE_NAME: tableName,
        // Both principals go into a customer role's trust policy; the onboarding API hands them out.
        DELIVERY_PRINCIPAL_ARN: this.deliver.role.roleArn,
        CUSTOMER_ROLE_NAME_PREFIX: props.customerRoleNamePrefix,
        ROLE_SESSION_NAME_PREFIX: props.roleSessionNamePrefix,
        ...(props.customerRoleTemplateUrl !== undefined && { CUSTOMER_ROLE_TEMPLATE_URL: props.customerRoleTemplateUrl }),
        // Self-healing: a passed verification sends the registration's waiting dead letters back out.
        DEAD_LETTER_QUEUE_URL: queues.deadLetterQueue.queueUrl,
        DELIVERY_QUEUE_URL: queues.deliveryQueue.queueUrl,
      },
    });
    queues.grantWalkDeadLetters(this.onboarding.role, 'SelfHealDeadLetters');
    queues.grantSend(this.onboarding.role, queues.deliveryQueue, 'SelfHealRedrive');
    // The verifier principal is this function's own execution role (known only once the role exists).
    this.onboarding.function.addEnvironment('VERIFIER_PRINCIPAL_ARN', this.onboarding.role.roleArn);
    // Registrations are created (PutItem) and change status, role and verification (UpdateItem); the
    // partner-scoped listings query gsi1. No DeleteItem: DELETE withdraws a registration by updating it.
    registry.grantReadWrite(this.onboarding.role, ['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    this.onboarding.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'VerifyCustomerRoles',
        effect: Effect.ALLOW,
        actions: ['sts:AssumeRole'],
        resources: [this.customerRoleArnPattern],
        conditions: {
          StringLike: { 'sts:RoleSessionName': `${props.roleSessionNamePrefix}-*` },
          // No Null sts:ExternalId condition, on purpose: verification tries AssumeRole WITHOUT an
          // ExternalId and must see it refused, proving the customer role resists a confused deputy.
        },
      }),
    );
    Validations.of(this.onboarding.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${props.customerRoleNamePrefix}*]`,
      reason:
        'The verifier principal checks customer roles in accounts that register at run time, so the account is "*"; ' +
        `the role name is pinned to the prefix "${props.customerRoleNamePrefix}" and the session name to ` +
        `"${props.roleSessionNamePrefix}-*". No ExternalId is required because verification must try AssumeRole ` +
        'without one and see it refused; each customer role trusts this role only with its own ExternalId.',
    });

    this.heartbeat = new BrokerFunction(this, 'Heartbeat', {
      entry: props.entries.heartbeat,
      description: `Imports a heartbeat finding per ACTIVE registration and Region every ${HEARTBEAT_INTERVAL_MINUTES} minutes`,
      timeout: HEARTBEAT_TIMEOUT,
      // One small finding per destination, ten at a time: no partner payloads to parse, unlike ingest and deliver.
      memorySize: 256,
      environment: {
        TABLE_NAME: tableName,
        DELIVERY_PRINCIPAL_ARN: this.deliver.role.roleArn,
        ROLE_SESSION_NAME_PREFIX: props.roleSessionNamePrefix,
      },
    });
    // Registrations (listed by partner, access failures recorded with UpdateItem) and the quota buckets
    // deliver paces with (GetItem, UpdateItem on QUOTA# items of the same table), as deliver.
    registry.grantReadWrite(this.heartbeat.role, ['dynamodb:UpdateItem']);
    // Which principal heartbeats act as. Customers' roles trust exactly two principals, the deliver
    // role and the verifier (shared/onboarding/role-documents.ts), and a third would change every
    // customer's trust policy. Sharing the deliver role would give the heartbeat the deliver queue's
    // rights. So the heartbeat has its own role and assumes the deliver role (role chaining) under one
    // fixed session name, with a session policy that leaves it sts:AssumeRole only
    // (shared/heartbeat/delivery-principal.ts): a customer's CloudTrail shows the deliver role, its
    // trust policy is unchanged, and the deliver role's own statement (customer role prefix,
    // session-name prefix, ExternalId required) governs the second hop. The session policy is the
    // heartbeat code's own restraint, not a condition the deliver role's trust checks: the heartbeat
    // function is trusted with the delivery principal, as the deliver function is.
    const heartbeatSession = heartbeatSessionName(props.roleSessionNamePrefix);
    this.heartbeat.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ActAsDeliveryPrincipal',
        effect: Effect.ALLOW,
        actions: ['sts:AssumeRole'],
        resources: [this.deliver.role.roleArn],
        conditions: { StringEquals: { 'sts:RoleSessionName': heartbeatSession } },
      }),
    );
    this.deliver.role.assumeRolePolicy!.addStatements(
      new PolicyStatement({
        sid: 'HeartbeatActsAsDeliveryPrincipal',
        effect: Effect.ALLOW,
        actions: ['sts:AssumeRole'],
        principals: [new ArnPrincipal(this.heartbeat.role.roleArn)],
        conditions: { StringEquals: { 'sts:RoleSessionName': heartbeatSession } },
      }),
    );
    // Partner-account and customer-hosted registrations import with the function's own credentials, as deliver's do.
    grantImportFindings(this.heartbeat, productResources);
    // A failed round is not retried: the next one comes HEARTBEAT_INTERVAL_MINUTES later, and a late
    // retry would only repeat it. Lambda would: "By default, Lambda retries an asynchronous invocation
    // twice if the function returns an error" (Lambda API reference, PutFunctionEventInvokeConfig), and
    // the rule target's retry policy (EventBridge's own attempts to invoke) is set to none as well.
    this.heartbeat.function.configureAsyncInvoke({ retryAttempts: 0 });
    this.heartbeatSchedule = new Rule(this, 'HeartbeatSchedule', {
      description: `Runs the heartbeat function every ${HEARTBEAT_INTERVAL_MINUTES} minutes (Security Hub partner guide, heartbeat finding)`,
      schedule: Schedule.rate(Duration.minutes(HEARTBEAT_INTERVAL_MINUTES)),
      targets: [new LambdaFunction(this.heartbeat.function, { retryAttempts: 0 })],
    });
  }
}

/**
 * What importing findings needs besides customer credentials, for deliver and heartbeat alike:
 * BatchImportFindings on the partner's products, and the two read-only looks deliverGroup takes to
 * explain an InvalidAccess (shared/delivery/access-diagnosis.ts).
 */
function grantImportFindings(fn: BrokerFunction, productResources: string[]): void {
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ImportFindingsForOwnProducts',
      effect: Effect.ALLOW,
      actions: ['securityhub:BatchImportFindings'],
      resources: productResources,
    }),
  );
  // When Security Hub answers InvalidAccess, deliverGroup looks once at the destination with the importing
  // credentials to tell "hub off" from "integration off" (shared/delivery/access-diagnosis.ts). For
  // cross-account-role that is the customer role (infra/customer-role.yaml allows both); for
  // customer-hosted it is this role, in this account: read-only, its own hub only.
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'DiagnoseRefusedImportsHub',
      effect: Effect.ALLOW,
      actions: ['securityhub:DescribeHub'],
      resources: [`arn:${Aws.PARTITION}:securityhub:*:${Aws.ACCOUNT_ID}:hub/default`],
    }),
  );
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'DiagnoseRefusedImportsSubscriptions',
      effect: Effect.ALLOW,
      actions: ['securityhub:ListEnabledProductsForImport'],
      resources: ['*'],
    }),
  );
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:hub/default]',
    reason: "securityhub:DescribeHub (read-only) on this account's own hub, in any Region the broker imports into, to explain an InvalidAccess.",
  });
  for (const resource of productResources.filter((arn) => arn.includes('*'))) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${resource.replace(Aws.PARTITION, '<AWS::Partition>')}]`,
      reason:
        'BatchImportFindings is authorised on the product resource; no productArns were configured, so the ' +
        'partner\'s product is matched by company and product id in every Region (its product ARN differs per Region).',
    });
  }
}

/**
 * BatchImportFindings' resource type is `product` (arn:<partition>:securityhub:<region>:<account>:
 * product/<company>/<product>), not `hub`: exact configured ARNs when given, otherwise the
 * partner's product in any Region.
 */
function importProductResources(props: BrokerFunctionsProps): string[] {
  if (props.productArns.length > 0) return [...props.productArns];
  return [`arn:${Aws.PARTITION}:securityhub:*:*:product/${props.partnerCompanyId}/${props.partnerProductId}`];
}
