import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { Dashboard, GraphWidget, MathExpression, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { POWERTOOLS } from './broker-function.js';

/** The broker's own metrics (Powertools Metrics, namespace SecurityHubBroker), emitted by the handlers. */
export const CUSTOM_METRICS = [
  'FindingsAccepted',
  'FindingsRejected',
  'FindingsImported',
  'FindingsDeadLettered',
  'AssumeRoleCalls',
  'ImportThrottled',
] as const;

const PERIOD = Duration.minutes(1);
const WIDE = 12;

export interface BrokerDashboardProps {
  readonly stage: Stage;
  readonly ingest: IFunction;
  readonly deliver: IFunction;
  readonly deliveryQueue: IQueue;
  readonly deadLetterQueue: IQueue;
}

export class BrokerDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: BrokerDashboardProps) {
    super(scope, id);
    const { stage, ingest, deliver, deliveryQueue, deadLetterQueue } = props;
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      graph('Ingest requests', [stage.metricCount({ period: PERIOD })]),
      graph('Ingest latency (p50, p99)', [
        stage.metricLatency({ period: PERIOD, statistic: 'p50' }),
        stage.metricLatency({ period: PERIOD, statistic: 'p99' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('API 4xx / 5xx', [
        stage.metricClientError({ period: PERIOD, statistic: 'Sum' }),
        stage.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      ]),
      graph('Findings accepted / rejected', [customMetric('FindingsAccepted'), customMetric('FindingsRejected')]),
    );
    this.dashboard.addWidgets(
      graph('Delivery queue depth / DLQ depth', [
        deliveryQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      ]),
      graph('Delivery queue age of oldest message (s)', [
        deliveryQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Deliver errors / throttles', [
        deliver.metricErrors({ period: PERIOD }),
        deliver.metricThrottles({ period: PERIOD }),
        ingest.metricErrors({ period: PERIOD }),
      ]),
      graph('Deliver duration (p50, p99)', [
        deliver.metricDuration({ period: PERIOD, statistic: 'p50' }),
        deliver.metricDuration({ period: PERIOD, statistic: 'p99' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Findings imported / dead-lettered', [customMetric('FindingsImported'), customMetric('FindingsDeadLettered')]),
      graph('AssumeRole calls / import throttling', [customMetric('AssumeRoleCalls'), customMetric('ImportThrottled')]),
    );
  }
}

function graph(title: string, left: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left, width: WIDE, height: 6 });
}

/**
 * A custom metric summed over all its dimension sets: Powertools adds `service` (and handlers may
 * add more), so a SEARCH keeps the widget right whatever dimensions the handlers choose.
 */
function customMetric(name: (typeof CUSTOM_METRICS)[number]): IMetric {
  return new MathExpression({
    label: name,
    expression: `SUM(SEARCH('Namespace="${POWERTOOLS.metricsNamespace}" MetricName="${name}"', 'Sum', ${PERIOD.toSeconds()}))`,
    usingMetrics: {},
    period: PERIOD,
  });
}
