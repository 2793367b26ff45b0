/**
 * The benchmark's AWS side in a process of its own (forked by bench-stack.ts): the STS/Security Hub
 * emulator, dynalite and fauxqs, so the broker's CPU is measured apart from theirs. Sends its
 * endpoints once ready; answers `usage` with its own CPU time and the DynamoDB requests served by
 * operation; exits on `stop` or when the parent goes.
 */
import { startLocalServices } from '#infra/local/stack.js';

const services = await startLocalServices({ visibilityTimeoutSeconds: Number(process.env.BENCH_VISIBILITY_TIMEOUT ?? '20'), maxReceiveCount: 5 });
const { emulator: _emulator, stop, dynamoRequests, ...endpoints } = services;
process.send!({ type: 'ready', endpoints });
process.on('message', (message: { type: string }) => {
  if (message.type === 'usage') process.send!({ type: 'usage', cpu: process.cpuUsage(), rss: process.memoryUsage().rss, dynamoRequests: dynamoRequests() });
  if (message.type === 'stop') void stop().finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
