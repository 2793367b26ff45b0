/**
 * The broker under benchmark in a process of its own (forked by bench-stack.ts): the HTTP front with
 * the real handlers and the delivery poller with one deliver container per concurrency slot, on the
 * services whose endpoints it is given. Answers `usage` (CPU time, RSS and its peak since the last
 * `reset`), `idle` once the delivery queue is drained and no invocation runs; exits on `stop`.
 */
import { startBrokerOn, type ServiceEndpoints } from '#infra/local/stack.js';

const endpoints = JSON.parse(process.env.BENCH_SERVICES ?? '{}') as ServiceEndpoints;
const broker = await startBrokerOn(endpoints, {
  deliverConcurrency: Number(process.env.BENCH_DELIVER_CONCURRENCY ?? '5'),
  logLevel: 'ERROR',
  withoutLedger: process.env.BENCH_WITHOUT_LEDGER === '1',
});
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 50);
process.send!({ type: 'ready', apiUrl: broker.apiUrl });
process.on('message', (message: { type: string; timeoutMs?: number }) => {
  switch (message.type) {
    case 'usage':
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      process.send!({ type: 'usage', cpu: process.cpuUsage(), rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, external: process.memoryUsage().external, peakRss });
      break;
    case 'reset':
      global.gc?.();
      peakRss = process.memoryUsage().rss;
      process.send!({ type: 'reset', rss: peakRss });
      break;
    case 'idle':
      broker.poller.waitForIdle(message.timeoutMs ?? 300_000).then(
        () => process.send!({ type: 'idle', ok: true }),
        (error: unknown) => process.send!({ type: 'idle', ok: false, error: String(error) }),
      );
      break;
    case 'stop':
      clearInterval(sampler);
      void broker.stop().finally(() => process.exit(0));
      break;
  }
});
process.on('disconnect', () => process.exit(0));
