import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BrokerConfig } from './config.js';
import { BrokerAlarms } from './constructs/alarms.js';
import { BrokerApi } from './constructs/api.js';
import { BrokerDashboard } from './constructs/dashboard.js';
import { DataKey } from './constructs/data-key.js';
import { BrokerFunctions, DELIVER_TIMEOUT } from './constructs/functions.js';
import { DeliveryQueues } from './constructs/queues.js';
import { RegistryTable } from './constructs/storage.js';
import { HANDLER_ENTRIES, type HandlerName } from './paths.js';

export interface BrokerStackProps extends StackProps {
  readonly config: BrokerConfig;
  /** Handler entries; defaults to the real ones under functions/. */
  readonly entries?: Record<HandlerName, string>;
}

/** The partner findings routes (DESIGN.md): the import and its dry run share the ingest function. */
export const PARTNER_ROUTES = {
  findings: 'v1/findings',
  validate: 'v1/findings:validate',
} as const;

export class BrokerStack extends Stack {
  readonly api: BrokerApi;
  readonly functions: BrokerFunctions;
  readonly queues: DeliveryQueues;
  readonly registry: RegistryTable;
  readonly alarms: BrokerAlarms;

  constructor(scope: Construct, id: string, props: BrokerStackProps) {
    super(scope, id, props);
    const { config } = props;

    const dataKey = new DataKey(this, 'DataKey');
    this.registry = new RegistryTable(this, 'Registry', { encryptionKey: dataKey.key });
    this.queues = new DeliveryQueues(this, 'Queues', { encryptionKey: dataKey.key, deliverTimeout: DELIVER_TIMEOUT });
    this.functions = new BrokerFunctions(this, 'Functions', {
      entries: props.entries ?? HANDLER_ENTRIES,
      registry: this.registry,
      queues: this.queues,
      productArns: config.productArns,
      ...(config.partnerCompanyId !== undefined && { partnerCompanyId: config.partnerCompanyId }),
      ...(config.partnerProductId !== undefined && { partnerProductId: config.partnerProductId }),
      customerRoleNamePrefix: config.customerRoleNamePrefix,
      roleSessionNamePrefix: config.roleSessionNamePrefix,
      deliverMaxConcurrency: config.deliverMaxConcurrency,
    });
    const { authorizer, ingest, deliver } = this.functions;

    this.api = new BrokerApi(this, 'Api', {
      partnerAuthorizer: authorizer.function,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      requireApiKeys: config.requireApiKeys,
      cloudWatchRole: config.apiGatewayCloudWatchRole,
    });
    this.api.addPartnerRoute(PARTNER_ROUTES.findings, 'POST', ingest.function);
    this.api.addPartnerRoute(PARTNER_ROUTES.validate, 'POST', ingest.function);

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

    this.output('ApiUrl', this.api.restApi.url, 'Partner findings API base URL: POST <ApiUrl>v1/findings');
    this.output('BrokerRoleArn', deliver.role.roleArn, 'Broker role ARN to give customers: the principal their role trusts (BrokerPrincipalArn)');
    this.output('TableName', this.registry.table.tableName, 'Registry table');
    this.output('DeliveryQueueUrl', this.queues.deliveryQueue.queueUrl, 'Delivery queue');
    this.output('DeadLetterQueueUrl', this.queues.deadLetterQueue.queueUrl, 'Dead-letter queue: findings that could not be delivered, with reasons');
    this.output('AlarmTopicArn', this.alarms.topic.topicArn, 'Alarm notifications (subscribe more endpoints here)');
    this.output('PartnerUsagePlanId', this.api.usagePlan.usagePlanId, 'Usage plan partner API keys are attached to');
  }

  private output(id: string, value: string, description: string): void {
    new CfnOutput(this, id, { value, description });
  }
}
