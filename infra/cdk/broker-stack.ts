import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PARTNER_ROUTES } from '#functions/ingest/routes.js';
import { ONBOARDING_ROUTES } from '#functions/onboarding/routes.js';
import type { BrokerConfig } from './config.js';
import { BrokerAlarms } from './constructs/alarms.js';
import { BrokerApi } from './constructs/api.js';
import { BrokerDashboard } from './constructs/dashboard.js';
import { DataKey } from './constructs/data-key.js';
import { BrokerFunctions, DELIVER_TIMEOUT } from './constructs/functions.js';
import { OperatorPolicy } from './constructs/operator-policy.js';
import { DeliveryQueues } from './constructs/queues.js';
import { RegistryTable } from './constructs/storage.js';
import { LedgerTable } from './constructs/ledger-table.js';
import { HANDLER_ENTRIES, type HandlerName } from './paths.js';

export interface BrokerStackProps extends StackProps {
  readonly config: BrokerConfig;
  /** Handler entries; defaults to the real ones under functions/. */
  readonly entries?: Record<HandlerName, string>;
}


/**
 * The customer onboarding routes, all AWS_IAM (SigV4) and all served by the onboarding function;
 * defined once beside their handler (a product key `<company>/<product>` is two path segments).
 */
export { ONBOARDING_ROUTES };

export class BrokerStack extends Stack {
  readonly api: BrokerApi;
  readonly functions: BrokerFunctions;
  readonly queues: DeliveryQueues;
  readonly registry: RegistryTable;
  readonly ledger: LedgerTable;
  readonly alarms: BrokerAlarms;
  readonly operatorPolicy: OperatorPolicy;

  constructor(scope: Construct, id: string, props: BrokerStackProps) {
    super(scope, id, props);
    const { config } = props;

    const dataKey = new DataKey(this, 'DataKey');
    this.registry = new RegistryTable(this, 'Registry', { encryptionKey: dataKey.key });
    this.ledger = new LedgerTable(this, 'Ledger', { encryptionKey: dataKey.key });
    this.queues = new DeliveryQueues(this, 'Queues', { encryptionKey: dataKey.key, deliverTimeout: DELIVER_TIMEOUT });
    this.functions = new BrokerFunctions(this, 'Functions', {
      entries: props.entries ?? HANDLER_ENTRIES,
      registry: this.registry,
      ledger: this.ledger,
      queues: this.queues,
      productArns: config.productArns,
      ...(config.partnerCompanyId !== undefined && { partnerCompanyId: config.partnerCompanyId }),
      ...(config.partnerProductId !== undefined && { partnerProductId: config.partnerProductId }),
      customerRoleNamePrefix: config.customerRoleNamePrefix,
      roleSessionNamePrefix: config.roleSessionNamePrefix,
      deliverMaxConcurrency: config.deliverMaxConcurrency,
      ...(config.customerRoleTemplateUrl !== undefined && { customerRoleTemplateUrl: config.customerRoleTemplateUrl }),
    });
    const { authorizer, ingest, deliver, onboarding } = this.functions;

    this.api = new BrokerApi(this, 'Api', {
      partnerAuthorizer: authorizer.function,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      requireApiKeys: config.requireApiKeys,
      cloudWatchRole: config.apiGatewayCloudWatchRole,
      iamCallerOrganizationIds: config.customerOrganizationIds,
    });
    // The partner routes (findings, their dry run, submissions) are all the ingest function's.
    for (const { path, methods } of Object.values(PARTNER_ROUTES)) {
      for (const method of methods) this.api.addPartnerRoute(path.slice(1), method, ingest.function);
    }
    for (const { path, methods } of Object.values(ONBOARDING_ROUTES)) {
      for (const method of methods) this.api.addIamRoute(path.slice(1), method, onboarding.function);
    }

    const stage = this.api.restApi.deploymentStage;
    this.alarms = new BrokerAlarms(this, 'Alarms', {
      encryptionKey: dataKey.key,
      ...(config.alarmEmail !== undefined && { alarmEmail: config.alarmEmail }),
      deliveryQueue: this.queues.deliveryQueue,
      deadLetterQueue: this.queues.deadLetterQueue,
      authorizer: authorizer.function,
      ingest: ingest.function,
      deliver: deliver.function,
      stage,
    });
    new BrokerDashboard(this, 'Dashboard', {
      stage,
      ingest: ingest.function,
      deliver: deliver.function,
      deliveryQueue: this.queues.deliveryQueue,
      deadLetterQueue: this.queues.deadLetterQueue,
    });

    // What the operator CLI (npm run broker-admin) needs, for operators to attach to their own role or group.
    this.operatorPolicy = new OperatorPolicy(this, 'Operators', { queues: this.queues, registry: this.registry });

    this.output('ApiUrl', this.api.restApi.url, 'Partner findings API base URL: POST <ApiUrl>v1/findings');
    this.output(
      'OnboardingApiUrl',
      `${this.api.restApi.url}v1/`,
      'Customer onboarding API (AWS_IAM: SigV4-signed, the caller needs execute-api:Invoke): GET products; GET, POST ' +
        'registrations; GET, DELETE registrations/<company>/<product>; PUT .../role; POST .../verify',
    );
    this.output(
      'BrokerRoleArn',
      deliver.role.roleArn,
      'Delivery principal: the deliver role, which imports findings. Customer roles must trust it (BrokerPrincipalArn)',
    );
    this.output(
      'VerifierRoleArn',
      onboarding.role.roleArn,
      'Verifier principal: the onboarding role, which verifies customer roles. Customer roles must trust it too',
    );
    this.output('TableName', this.registry.table.tableName, 'Registry table');
    this.output('LedgerTableName', this.ledger.table.tableName, 'Finding ledger table');
    this.output('DeliveryQueueUrl', this.queues.deliveryQueue.queueUrl, 'Delivery queue');
    this.output('DeadLetterQueueUrl', this.queues.deadLetterQueue.queueUrl, 'Dead-letter queue: findings that could not be delivered, with reasons');
    this.output('AlarmTopicArn', this.alarms.topic.topicArn, 'Alarm notifications (subscribe more endpoints here)');
    this.output('PartnerUsagePlanId', this.api.usagePlan.usagePlanId, 'Usage plan partner API keys are attached to');
    this.output(
      'OperatorPolicyArn',
      this.operatorPolicy.policy.managedPolicyArn,
      "What the operator CLI (npm run broker-admin) needs: attach it to the operators' IAM role or group",
    );
  }

  private output(id: string, value: string, description: string): void {
    new CfnOutput(this, id, { value, description });
  }
}
