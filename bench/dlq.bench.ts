/**
 * The operator CLI on a 10,000-message DLQ: `dlq summary` and `dlq redrive`, each run as a real child
 * process (as an operator runs it), timed, with its peak memory (GNU time's maximum resident set).
 * Baseline, measured in the same run and the same way: a plain receive-and-delete drain of the same
 * queue (bench/support/drain-queue.ts). The ratios say what the CLI's filtering, history, held-message
 * release and audit cost over the least any tool could do; the memory says whether it streams.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startEmulator } from '#emulator/index.js';
import { ensureTable, startDynamo } from '#infra/local/dynamo.js';
import { startQueues } from '#infra/local/queues.js';
import { LOCAL_BROKER } from '#infra/local/stack.js';
import type { BenchRow, BenchSuite } from './bench-types.js';
import { seedDeadLetters, type SeedLetter } from '../test/support/dead-letters.js';

const run = promisify(execFile);
const MESSAGES = 10_000;
const REPO = fileURLToPath(new URL('../', import.meta.url));
const TSX = join(REPO, 'node_modules/.bin/tsx');

/** Runs a command under GNU time: wall seconds, peak RSS in MiB, and its stdout. */
async function measured(args: string[], cwd: string): Promise<{ seconds: number; peakMiB: number; stdout: string }> {
  // A clean environment: the CLI finds everything in <cwd>/.local/stack.json, as after `npm start`.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', INIT_CWD: cwd };
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'BENCH %e %M', ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  const match = /BENCH ([\d.]+) (\d+)/.exec(stderr);
  if (!match) throw new Error(`no timing from /usr/bin/time: ${stderr.slice(-500)}`);
  return { seconds: Number(match[1]), peakMiB: Number(match[2]) / 1024, stdout };
}

export default {
  name: 'dlq',
  async run(): Promise<BenchRow[]> {
    const emulator = await startEmulator();
    emulator.state.addAccessKey({ accountId: LOCAL_BROKER.accountId, principalArn: LOCAL_BROKER.operatorArn,
      accessKeyId: LOCAL_BROKER.operatorAccessKeyId, secretAccessKey: LOCAL_BROKER.operatorSecretAccessKey });
    const dynamo = await startDynamo(0);
    const queues = await startQueues({ port: 0, region: 'us-east-1', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const folder = await mkdtemp(join(tmpdir(), 'broker-dlq-bench-'));
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: queues.ipEndpoint, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
    try {
      const dynamoClient = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
      await ensureTable(dynamoClient, 'bench-table');
      dynamoClient.destroy();
      const { writeFile, mkdir } = await import('node:fs/promises');
      await mkdir(join(folder, '.local'));
      await writeFile(join(folder, '.local', 'stack.json'), JSON.stringify({
        region: 'us-east-1', tableName: 'bench-table',
        endpoints: { dynamodb: dynamo.endpoint, sqs: queues.ipEndpoint, sts: emulator.url },
        deliveryQueueUrl: queues.deliveryQueueUrl, deadLetterQueueUrl: queues.deadLetterQueueUrl,
        deliveryQueueArn: queues.deliveryQueueArn, deadLetterQueueArn: queues.deadLetterQueueArn,
        operator: { arn: LOCAL_BROKER.operatorArn, credentials: { accessKeyId: LOCAL_BROKER.operatorAccessKeyId, secretAccessKey: LOCAL_BROKER.operatorSecretAccessKey } },
      }));
      const letters: SeedLetter[] = Array.from({ length: MESSAGES }, (_, i) => ({
        accountId: i % 10 === 0 ? '222222222222' : '333333333333', errorCode: i % 3 === 0 ? 'AssumeRoleDenied' : 'Throttled', findings: 2,
      }));
      const seed = () => seedDeadLetters(sqs, queues.deadLetterQueueUrl, letters);

      await seed();
      const drain = await measured([TSX, join(REPO, 'bench/support/drain-queue.ts'), queues.ipEndpoint, queues.deadLetterQueueUrl], folder);
      if ((JSON.parse(drain.stdout) as { drained: number }).drained !== MESSAGES) throw new Error('baseline drain did not see every message');

      await seed();
      const cli = (...args: string[]) => measured([TSX, join(REPO, 'cli/broker-admin/main.ts'), ...args], folder);
      const summary = await cli('dlq', 'summary', '--json');
      const summarized = JSON.parse(summary.stdout) as { messages: number };
      if (summarized.messages !== MESSAGES) throw new Error(`summary saw ${summarized.messages} of ${MESSAGES} messages`);
      const redrive = await cli('dlq', 'redrive', '--all', '--json');
      const redriven = JSON.parse(redrive.stdout) as { matchedMessages?: number; report?: { matchedMessages: number } };
      const moved = redriven.matchedMessages ?? redriven.report?.matchedMessages;
      if (moved !== MESSAGES) throw new Error(`redrive moved ${String(moved)} of ${MESSAGES} messages: ${redrive.stdout.slice(0, 500)}`);

      const note = `${MESSAGES} messages, ${MESSAGES * 2} findings`;
      return [
        { suite: 'dlq', case: 'baseline: receive-and-delete drain (s)', value: drain.seconds, unit: 's', note },
        { suite: 'dlq', case: 'CLI dlq summary (s)', value: summary.seconds, unit: 's', ratioToBaseline: summary.seconds / drain.seconds, note: 'walks all, releases all' },
        { suite: 'dlq', case: 'CLI dlq redrive, all (s)', value: redrive.seconds, unit: 's', ratioToBaseline: redrive.seconds / drain.seconds, note: 'send with history, then delete' },
        { suite: 'dlq', case: 'baseline drain peak RSS (MiB)', value: drain.peakMiB, unit: 'MiB' },
        { suite: 'dlq', case: 'CLI dlq summary peak RSS (MiB)', value: summary.peakMiB, unit: 'MiB', ratioToBaseline: summary.peakMiB / drain.peakMiB },
        { suite: 'dlq', case: 'CLI dlq redrive peak RSS (MiB)', value: redrive.peakMiB, unit: 'MiB', ratioToBaseline: redrive.peakMiB / drain.peakMiB },
      ];
    } finally {
      sqs.destroy();
      await queues.stop();
      await dynamo.stop();
      await emulator.stop();
      await rm(folder, { recursive: true, force: true });
    }
  },
} satisfies BenchSuite;
