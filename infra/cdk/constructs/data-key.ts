import { RemovalPolicy } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * One customer managed KMS key for the broker's data at rest: the registry table (ExternalIds, token
 * hashes), both queues (findings are security data) and the alarm topic.
 *
 * Why customer managed rather than AWS managed: the alarm topic needs it anyway (CloudWatch alarms
 * cannot publish to a topic encrypted with the AWS managed `aws/sns` key), the key policy is ours to
 * tighten, and every use is visible in CloudTrail under one key id. One key, not one per resource,
 * keeps the monthly key cost flat; SQS reuses data keys for 5 minutes, so request costs stay small.
 */
export class DataKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Security Hub findings broker: registry table, delivery queues and alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted alarm topic as the cloudwatch.amazonaws.com service.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
  }
}
