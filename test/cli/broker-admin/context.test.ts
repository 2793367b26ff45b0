import { describe, expect, it } from 'vitest';
import { locationGiven, queueArnFromUrl, resolveConfig, type LocalStackFile } from '../../../cli/broker-admin/context.js';
import { parseDuration } from '../../../cli/broker-admin/options.js';
import { humanAge } from '../../../cli/broker-admin/output.js';

const stackFile: { path: string; content: LocalStackFile } = {
  path: '/work/.local/stack.json',
  content: {
    region: 'us-east-1',
    endpoints: { dynamodb: 'http://127.0.0.1:4567', sqs: 'http://127.0.0.1:4566', sts: 'http://127.0.0.1:4580' },
    tableName: 'local-table',
    deliveryQueueUrl: 'http://sqs.us-east-1.localhost:4566/000000000000/broker-delivery',
    deadLetterQueueUrl: 'http://sqs.us-east-1.localhost:4566/000000000000/broker-dead-letters',
    deliveryQueueArn: 'arn:aws:sqs:us-east-1:000000000000:broker-delivery',
    deadLetterQueueArn: 'arn:aws:sqs:us-east-1:000000000000:broker-dead-letters',
    operator: { arn: 'arn:aws:iam::111111111111:user/operator', credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' } },
  },
};
const outputs = {
  TableName: 'stack-table',
  DeliveryQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/delivery',
  DeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dead-letters',
};

describe('the operator CLI\'s configuration', () => {
  it('takes flags over the environment over the stack\'s outputs', () => {
    const config = resolveConfig({
      flags: { table: 'flag-table' }, env: { DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/env-dlq', AWS_REGION: 'eu-west-1' },
      stackOutputs: outputs, stackFile,
    });
    expect(config).toMatchObject({
      tableName: 'flag-table', deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/env-dlq', deliveryQueueUrl: outputs.DeliveryQueueUrl,
      region: 'eu-west-1', sources: { tableName: 'flag', deadLetterQueueUrl: 'env', deliveryQueueUrl: 'stack', region: 'env' },
      credentials: undefined, stackFile: undefined, endpoints: {},
    });
  });

  it('reads .local/stack.json, its endpoints and the operator\'s credentials, only when nothing names the broker', () => {
    const config = resolveConfig({ flags: {}, env: {}, stackFile });
    expect(config).toMatchObject({
      tableName: 'local-table', region: 'us-east-1', deadLetterQueueArn: stackFile.content.deadLetterQueueArn, deliveryQueueArn: stackFile.content.deliveryQueueArn,
      endpoints: stackFile.content.endpoints, credentials: stackFile.content.operator!.credentials, stackFile: stackFile.path,
    });
    expect(locationGiven({}, { AWS_REGION: 'eu-west-1' })).toBe(false);
    for (const named of [{ flags: { stackName: 'x' }, env: {} }, { flags: {}, env: { TABLE_NAME: 't' } }, { flags: {}, env: { BROKER_STACK_NAME: 's' } }]) {
      expect(resolveConfig({ ...named, stackFile }).stackFile).toBeUndefined();
    }
  });

  it('uses AWS_ENDPOINT_URL_SQS as an explicit SQS endpoint', () => {
    expect(resolveConfig({ flags: {}, env: { TABLE_NAME: 't', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9' } }).endpoints).toEqual({ sqs: 'http://127.0.0.1:9' });
  });

  it('derives queue ARNs from AWS queue URLs, partition included', () => {
    expect(queueArnFromUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/broker-dlq')).toBe('arn:aws:sqs:eu-west-1:123456789012:broker-dlq');
    expect(queueArnFromUrl('https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q')).toBe('arn:aws-cn:sqs:cn-north-1:123456789012:q');
    expect(queueArnFromUrl('https://sqs.us-gov-west-1.amazonaws.com/123456789012/q.fifo')).toBe('arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q.fifo');
    expect(queueArnFromUrl('http://sqs.us-east-1.localhost:4566/000000000000/broker-delivery')).toBeUndefined();
    expect(queueArnFromUrl('not a url')).toBeUndefined();
  });

  it('reads durations and writes ages for people', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    for (const bad of ['3x', '7', 'd', '-1h', '']) expect(parseDuration(bad)).toBeUndefined();
    expect([humanAge(45_000), humanAge(12 * 60_000), humanAge(3 * 3_600_000 + 5 * 60_000), humanAge(2 * 86_400_000 + 4 * 3_600_000)]).toEqual(['45s', '12m', '3h 5m', '2d 4h']);
  });
});
