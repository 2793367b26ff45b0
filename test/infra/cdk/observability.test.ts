import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CUSTOM_METRICS } from '#infra/cdk/constructs/dashboard.js';
import { logicalIdOf, resourcesOf, synthesizeBroker } from './fixture.js';

let template: Template;
beforeAll(() => {
  ({ template } = synthesizeBroker());
});

const alarms = () => resourcesOf(template, 'AWS::CloudWatch::Alarm');
const topicRef = () => ({ Ref: logicalIdOf(template, 'AWS::SNS::Topic', 'AlarmsTopic') });

function alarmNamed(prefix: string): Record<string, any> {
  return alarms()[logicalIdOf(template, 'AWS::CloudWatch::Alarm', `Alarms${prefix}`)]!.Properties;
}

function dimensionOf(alarm: Record<string, any>, name: string): unknown {
  return alarm.Dimensions.find((d: { Name: string }) => d.Name === name)?.Value;
}

describe('alarm topic', () => {
  it('is encrypted with the data key and refuses non-TLS publishing', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'DataKey');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef()],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('lets CloudWatch alarms use the key to publish to the encrypted topic', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey']),
          }),
        ]),
      },
    });
  });

  it('e-mails the alarmEmail address', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'secops@example.com',
      TopicArn: topicRef(),
    });
  });
});

describe('alarms', () => {
  it('notify the topic on alarm and on recovery', () => {
    expect(Object.keys(alarms()).length).toBeGreaterThanOrEqual(7);
    for (const alarm of Object.values(alarms())) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef()]);
      expect(alarm.Properties.OKActions).toEqual([topicRef()]);
    }
  });

  it('fire on any message in the DLQ', () => {
    const alarm = alarmNamed('DeadLetterQueueNotEmpty');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(dimensionOf(alarm, 'QueueName')).toEqual({
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'QueuesDeadLetterQueue'), 'QueueName'],
    });
  });

  it('fire when dead-lettered findings age towards the 14-day retention', () => {
    const alarm = alarmNamed('DeadLetterQueueAging');
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', ComparisonOperator: 'GreaterThanThreshold' });
    expect(alarm.Threshold).toBeGreaterThan(0);
    expect(alarm.Threshold).toBeLessThan(14 * 24 * 3600);
  });

  it.each([
    ['DeliverErrors', 'Errors', 'FunctionsDeliverFunction'],
    ['DeliverThrottles', 'Throttles', 'FunctionsDeliverFunction'],
    ['IngestErrors', 'Errors', 'FunctionsIngestFunction'],
    ['AuthorizerErrors', 'Errors', 'FunctionsAuthorizerFunction'],
  ])('%s watches Lambda %s of its function', (name, metric, functionPrefix) => {
    const alarm = alarmNamed(name);
    expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: metric, Threshold: 0, Statistic: 'Sum' });
    expect(dimensionOf(alarm, 'FunctionName')).toEqual({ Ref: logicalIdOf(template, 'AWS::Lambda::Function', functionPrefix) });
  });

  it('fire on any API 5XX on the stage', () => {
    const alarm = alarmNamed('Api5xx');
    expect(alarm).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Threshold: 0, Statistic: 'Sum' });
    expect(dimensionOf(alarm, 'Stage')).toBeDefined();
    expect(dimensionOf(alarm, 'ApiName')).toBeDefined();
  });

  it('fire when the delivery queue backs up', () => {
    expect(alarmNamed('DeliveryBacklog')).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage' });
  });
});

describe('dashboard', () => {
  const body = () => JSON.stringify(Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);

  it('shows API traffic, latency and errors, queue depth and age, and deliver errors and duration', () => {
    for (const metric of ['Count', 'Latency', '4XXError', '5XXError', 'ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'Errors', 'Throttles', 'Duration']) {
      expect(body()).toContain(`\\"${metric}\\"`);
    }
  });

  it('shows every custom broker metric from the SecurityHubBroker namespace', () => {
    for (const metric of CUSTOM_METRICS) {
      expect(body()).toContain(`Namespace=\\\\\\"SecurityHubBroker\\\\\\" MetricName=\\\\\\"${metric}\\\\\\"`);
    }
    expect(CUSTOM_METRICS).toEqual(['FindingsAccepted', 'FindingsRejected', 'FindingsImported', 'FindingsDeadLettered', 'AssumeRoleCalls', 'ImportThrottled']);
  });
});

describe('stack outputs', () => {
  it('publish the API URLs, both principals (broker and verifier roles), the registry and ledger tables, the queues, the alarm topic and the operator policy', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiUrl',
        'BrokerRoleArn',
        'DeadLetterQueueUrl',
        'DeliveryQueueUrl',
        'LedgerTableName',
        'OnboardingApiUrl',
        'OperatorPolicyArn',
        'PartnerUsagePlanId',
        'TableName',
        'VerifierRoleArn',
      ].sort(),
    );
    expect(outputs.BrokerRoleArn!.Value).toEqual({
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::IAM::Role', 'FunctionsDeliverRole'), 'Arn'],
    });
    expect(outputs.DeadLetterQueueUrl!.Value).toEqual({ Ref: logicalIdOf(template, 'AWS::SQS::Queue', 'QueuesDeadLetterQueue') });
    expect(outputs.AlarmTopicArn!.Value).toEqual(topicRef());
  });
});
