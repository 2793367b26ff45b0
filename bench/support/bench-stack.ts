/**
 * The benchmark's local stack as three processes: this one (the partners' load and the measuring),
 * the AWS services (services-process.ts) and the broker (broker-process.ts), so the broker's CPU and
 * memory are its own. Customers and partners are set up through the emulator's admin API and the
 * registry table, as the tests' local-broker.ts does in-process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { issueToken } from '#shared/auth/partner-tokens.js';
import { productArn } from '#shared/product/product-arn.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { generateExternalId } from '#shared/registry/external-id.js';
import type { DeliveryMode, Registration } from '#shared/registry/model.js';
import { LOCAL_BROKER, type ServiceEndpoints } from '#infra/local/stack.js';
import { customerRole } from '../../test/support/customer-role.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface BenchPartner {
  partnerId: string;
  token: string;
  productArn: string;
  productKey: string;
}

export interface Usage {
  /** CPU microseconds (user + system) since the process started. */
  cpuMicros: number;
  rss: number;
  heapUsed?: number;
  peakRss?: number;
  /** The services' DynamoDB requests served so far, by operation. */
  dynamoRequests?: Record<string, number>;
}

export interface BenchStack {
  apiUrl: string;
  services: ServiceEndpoints;
  registry: DynamoRegistry;
  /** The emulator's admin API (emulator/admin-api.ts). */
  admin<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  brokerUsage(): Promise<Usage>;
  servicesUsage(): Promise<Usage>;
  /** Forgets the broker's peak RSS (after a GC where exposed) and answers its RSS now. */
  resetBrokerPeak(): Promise<number>;
  /** Resolves once the delivery queue is drained and no deliver invocation runs. */
  waitForIdle(timeoutMs?: number): Promise<void>;
  addPartner(partnerId: string): Promise<BenchPartner>;
  addCustomer(partner: BenchPartner, accountId: string, options?: { mode?: DeliveryMode; trust?: 'external-id' | 'wrong-external-id'; emulated?: boolean }): Promise<Registration>;
  stop(): Promise<void>;
}

function start(entry: string, env: Record<string, string>, profile = false): ChildProcess {
  // BENCH_PROFILE=<dir> writes the broker's and the services' CPU profiles there (node --cpu-prof), to see where the time goes.
  const profiling = profile && process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  return fork(join(HERE, entry), [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...profiling],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next message of this type from a child (each request has one reply of its type). */
async function reply<T>(child: ChildProcess, type: string, request?: object): Promise<T> {
  const answer = new Promise<T>((resolve, reject) => {
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`${type}: the process exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  if (request) child.send(request);
  return answer;
}

const usageOf = (message: { cpu: NodeJS.CpuUsage; rss: number; heapUsed?: number; peakRss?: number; dynamoRequests?: Record<string, number> }): Usage =>
  ({ cpuMicros: message.cpu.user + message.cpu.system, rss: message.rss, ...(message.heapUsed ? { heapUsed: message.heapUsed } : {}),
    ...(message.peakRss ? { peakRss: message.peakRss } : {}), ...(message.dynamoRequests ? { dynamoRequests: message.dynamoRequests } : {}) });

/** `withoutLedger`: the broker runs without its finding ledger, the baseline of what the ledger costs. */
export async function startBenchStack(options: { deliverConcurrency?: number; withoutLedger?: boolean } = {}): Promise<BenchStack> {
  const servicesProcess = start('services-process.ts', {}, true);
  const { endpoints } = await reply<{ endpoints: ServiceEndpoints }>(servicesProcess, 'ready');
  const brokerProcess = start('broker-process.ts', {
    BENCH_SERVICES: JSON.stringify(endpoints), BENCH_DELIVER_CONCURRENCY: String(options.deliverConcurrency ?? 5),
    BENCH_WITHOUT_LEDGER: options.withoutLedger ? '1' : '0',
  }, true);
  const { apiUrl } = await reply<{ apiUrl: string }>(brokerProcess, 'ready');
  const dynamo = new DynamoDBClient({ region: endpoints.region, endpoint: endpoints.dynamoEndpoint, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const registry = new DynamoRegistry(dynamo, LOCAL_BROKER.tableName);
  const admin = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${endpoints.emulatorUrl}/_emulator/${route}`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator admin ${method} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    apiUrl, services: endpoints, registry, admin,
    brokerUsage: async () => usageOf(await reply(brokerProcess, 'usage', { type: 'usage' })),
    servicesUsage: async () => usageOf(await reply(servicesProcess, 'usage', { type: 'usage' })),
    resetBrokerPeak: async () => (await reply<{ rss: number }>(brokerProcess, 'reset', { type: 'reset' })).rss,
    waitForIdle: async (timeoutMs = 300_000) => {
      const answer = await reply<{ ok: boolean; error?: string }>(brokerProcess, 'idle', { type: 'idle', timeoutMs });
      if (!answer.ok) throw new Error(answer.error);
    },
    async addPartner(partnerId) {
      const arn = productArn({ partition: 'aws', region: endpoints.region, accountId: LOCAL_BROKER.accountId, company: partnerId, product: 'scanner' });
      await registry.putPartner({ partnerId, name: partnerId, productArns: [arn], createdAt: new Date().toISOString() });
      const issued = issueToken(partnerId);
      await registry.putToken(issued.record);
      return { partnerId, token: issued.token, productArn: arn, productKey: `${partnerId}/scanner` };
    },
    async addCustomer(partner, accountId, { mode = 'cross-account-role', trust = 'external-id', emulated = true } = {}) {
      const externalId = generateExternalId();
      const role = customerRole({ accountId, partnerId: partner.partnerId, productArn: partner.productArn, externalId, trust,
        principals: { delivery: LOCAL_BROKER.principalArn, verifier: LOCAL_BROKER.verifierPrincipalArn } });
      if (emulated) {
        await admin('POST', 'accounts', { accountId });
        await admin('POST', 'roles', role);
        await admin('POST', 'hubs', { accountId, region: endpoints.region });
        await admin('POST', 'products', { accountId, region: endpoints.region, productArn: partner.productArn });
      }
      const now = new Date().toISOString();
      const registration: Registration = {
        accountId, productKey: partner.productKey, partnerId: partner.partnerId, regions: [endpoints.region], mode,
        roleArn: `arn:aws:iam::${accountId}:role/${role.roleName}`, externalId, status: 'ACTIVE', createdAt: now, updatedAt: now,
      };
      await registry.putRegistration(registration);
      return registration;
    },
    async stop() {
      dynamo.destroy();
      for (const child of [brokerProcess, servicesProcess]) {
        if (child.exitCode !== null) continue;
        child.send({ type: 'stop' });
        await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}
