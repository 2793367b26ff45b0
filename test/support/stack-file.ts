import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_BROKER, type LocalStack } from '#infra/local/stack.js';

/** Writes `<dir>/.local/stack.json` for a test's stack, as `npm start` writes it, so the CLIs run with no flags from `dir`. */
export async function writeStackFile(stack: LocalStack, dir: string): Promise<string> {
  const file = join(dir, '.local', 'stack.json');
  await mkdir(join(dir, '.local'), { recursive: true });
  await writeFile(file, JSON.stringify({
    apiUrl: stack.apiUrl, region: stack.region, emulatorUrl: stack.emulator.url,
    endpoints: { dynamodb: stack.dynamoEndpoint, sqs: stack.sqsIpEndpoint, sts: stack.emulator.url, securityhub: stack.emulator.url, iam: stack.emulator.url },
    tableName: stack.tableName, deliveryQueueUrl: stack.deliveryQueueUrl, deadLetterQueueUrl: stack.deadLetterQueueUrl,
    deliveryQueueArn: stack.deliveryQueueArn, deadLetterQueueArn: stack.deadLetterQueueArn,
    operator: { arn: LOCAL_BROKER.operatorArn, credentials: { accessKeyId: LOCAL_BROKER.operatorAccessKeyId, secretAccessKey: LOCAL_BROKER.operatorSecretAccessKey } },
  }, null, 2));
  return file;
}
