import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION } from './queues.js';

const FIVE_MINUTES = Duration.minutes(5);
/** Half the DLQ's retention: operators still have a week to redrive before SQS deletes findings. */
export const DEAD_LETTER_AGE_THRESHOLD = Duration.seconds(DEAD_LETTER_RETENTION.toSeconds() / 2);
/** A healthy delivery queue drains within seconds; 15 minutes of backlog means delivery is stuck. */
export const DELIVERY_BACKLOG_AGE_THRESHOLD = Duration.minutes(15);

export interface BrokerAlarmsProps {
  readonly encryptionKey: IKey;
  readonly alarmEmail?: string;
  readonly deliveryQueue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly authorizer: IFunction;
  readonly ingest: IFunction;
  readonly deliver: IFunction;
  readonly stage: Stage;
}

/** The alarms an operator must act on, all notifying one encrypted SNS topic. */
export class BrokerAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: BrokerAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Security Hub findings broker alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const anyOf = (name: string, description: string, metric: IMetric): void =>
      this.add(name, description, metric, 0);

    anyOf(
      'DeadLetterQueueNotEmpty',
      'Findings were dead-lettered: inspect the DLQ reasons and redrive (npm run broker-admin).',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    );
    this.add(
      'DeadLetterQueueAging',
      `Dead-lettered findings are older than ${DEAD_LETTER_AGE_THRESHOLD.toDays()} days; SQS deletes them at ${DEAD_LETTER_RETENTION.toDays()}.`,
      props.deadLetterQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      DEAD_LETTER_AGE_THRESHOLD.toSeconds(),
    );
    this.add(
      'DeliveryBacklog',
      'The oldest queued finding waits more than 15 minutes: delivery is stuck or throttled.',
      props.deliveryQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      DELIVERY_BACKLOG_AGE_THRESHOLD.toSeconds(),
    );
    anyOf('DeliverErrors', 'The deliver function failed invocations.', props.deliver.metricErrors({ period: FIVE_MINUTES }));
    anyOf('DeliverThrottles', 'Lambda throttled the deliver function.', props.deliver.metricThrottles({ period: FIVE_MINUTES }));
    anyOf('IngestErrors', 'The ingest function failed invocations (partners got 5xx).', props.ingest.metricErrors({ period: FIVE_MINUTES }));
    anyOf('AuthorizerErrors', 'The partner authorizer failed invocations (partners got 5xx).', props.authorizer.metricErrors({ period: FIVE_MINUTES }));
    anyOf('Api5xx', 'The API answered 5xx.', props.stage.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }));
  }

  private add(name: string, description: string, metric: IMetric, threshold: number): void {
    const alarm = new Alarm(this, name, {
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
