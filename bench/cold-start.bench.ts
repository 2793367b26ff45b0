/**
 * Each function's bundle as deployed (esbuild with the CDK stack's options, infra/cdk/bundling.ts): its
 * size, and its cold init, the time a fresh Node process takes to import it (what Lambda's init phase
 * spends on the code; the runtime's own start is not in it), with Lambda's NODE_OPTIONS. The median of
 * several fresh processes, against a baseline measured the same way in the same run: a bundle of an
 * empty handler, which is what Node's ESM loader and source-map support cost on their own.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { esbuildOptions, FUNCTION_BUNDLING } from '#infra/cdk/bundling.js';
import { HANDLER_ENTRIES, type HandlerName } from '#infra/cdk/paths.js';
import type { BenchRow, BenchSuite } from './bench-types.js';

const execute = promisify(execFile);
const RUNS = 9;

/**
 * What each function reads at import (its zod-validated configuration) and what Lambda sets: the
 * values only have to be well formed, nothing is called at init. Lambda's own variables ("Defined
 * runtime environment variables", AWS Lambda developer guide) matter: with AWS_EXECUTION_ENV set the
 * Powertools tracer is on, as in the stack (active tracing), and patches http/https at init, and with
 * LAMBDA_TASK_ROOT set the X-Ray SDK sets up its Lambda mode; without them the bench measured a tracer
 * that does nothing.
 */
const LAMBDA_ENVIRONMENT: Record<string, string> = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', LAMBDA_TASK_ROOT: '/var/task', LAMBDA_RUNTIME_DIR: '/var/runtime',
  AWS_LAMBDA_FUNCTION_NAME: 'securityhub-broker-bench', AWS_LAMBDA_FUNCTION_VERSION: '$LATEST', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000', AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR', TZ: ':UTC',
  AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_ACCESS_KEY_ID: 'AKIABENCHCOLDSTART01', AWS_SECRET_ACCESS_KEY: 'bench-cold-start', AWS_SESSION_TOKEN: 'bench',
  POWERTOOLS_SERVICE_NAME: 'securityhub-broker', POWERTOOLS_METRICS_NAMESPACE: 'SecurityHubBroker', POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false', POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
  TABLE_NAME: 'securityhub-broker', LEDGER_TABLE_NAME: 'securityhub-broker-ledger', MAX_RECEIVE_COUNT: '5', CUSTOMER_ROLE_NAME_PREFIX: 'SecurityHubFindingsBroker', ROLE_SESSION_NAME_PREFIX: 'securityhub-broker',
  DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/broker-delivery',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/broker-dead-letters',
  DELIVERY_PRINCIPAL_ARN: 'arn:aws:iam::111111111111:role/SecurityHubBroker-deliver',
  VERIFIER_PRINCIPAL_ARN: 'arn:aws:iam::111111111111:role/SecurityHubBroker-onboarding',
  NODE_OPTIONS: FUNCTION_BUNDLING.nodeOptions,
};

async function bundle(entry: string, outfile: string): Promise<number> {
  await build(esbuildOptions(entry, outfile));
  return (await stat(outfile)).size;
}

/** Milliseconds a fresh Node process takes to import the bundle, median of RUNS. */
async function coldInit(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { stdout } = await execute(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENVIRONMENT } });
    times.push(Number(stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export default {
  name: 'cold-start',
  async run(): Promise<BenchRow[]> {
    const folder = await mkdtemp(join(tmpdir(), 'broker-bundles-'));
    try {
      const emptyEntry = join(folder, 'empty.mjs');
      await writeFile(emptyEntry, 'export const handler = async () => ({});\n');
      await bundle(emptyEntry, join(folder, 'empty-bundle.mjs'));
      const baseline = await coldInit(join(folder, 'empty-bundle.mjs'));
      const rows: BenchRow[] = [{ suite: 'cold-start', case: 'cold init: empty handler (baseline)', value: baseline, unit: 'ms' }];
      for (const [name, entry] of Object.entries(HANDLER_ENTRIES) as Array<[HandlerName, string]>) {
        const file = join(folder, `${name}.mjs`);
        const bytes = await bundle(entry, file);
        const init = await coldInit(file);
        rows.push({ suite: 'cold-start', case: `cold init: ${name}`, value: init, unit: 'ms', ratioToBaseline: init / baseline, goal: '<= 150',
          note: `median of ${RUNS} fresh processes` });
        rows.push({ suite: 'cold-start', case: `bundle: ${name}`, value: bytes / 1000, unit: 'KB', note: 'minified ESM, as the CDK stack deploys it',
          ...(name === 'authorizer' ? { goal: '< 300' } : {}) });
      }
      return rows;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  },
} satisfies BenchSuite;
