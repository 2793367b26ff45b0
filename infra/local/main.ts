/**
 * `npm start`: the whole broker on this machine, no AWS account, no Docker.
 * Flags (or env): --api-port (API_PORT), --emulator-port (EMULATOR_PORT), --dynamo-port (DYNAMO_PORT),
 * --sqs-port (SQS_PORT), --data-dir (default .local/data), --in-memory, --state-file (default
 * .local/stack.json), --log-level. Port 0 picks a free port; the state file always holds the real ones.
 * The delivery queue's --visibility-timeout (seconds) and --max-receive-count are short by default, so
 * a restart or a retry takes seconds (chaos runs tune them); --deliver-concurrency deliver invocations
 * run at once (the CDK stack's maximum concurrency by default). `npm start -- --help` lists them.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DEMO, seedDemo } from './seed-demo.js';
import { demoFinding } from './demo-finding.js';
import { watchAncestors } from './ancestor-watch.js';
import { LOCAL_BROKER, startLocalStack } from './stack.js';
import { DEFAULTS } from '#infra/cdk/config.js';
import { STSClient } from '@aws-sdk/client-sts';
import { Command, Option } from 'commander';

/**
 * The flags, each with its environment variable and default (commander: `--help` lists them, and an
 * unknown flag is a one-line error, not a stack trace).
 */
const OPTIONS: Array<[name: string, env: string, fallback: string, help: string]> = [
  ['api-port', 'API_PORT', '3000', 'the API front (partner and onboarding routes); 0 picks a free port'],
  ['emulator-port', 'EMULATOR_PORT', '4580', 'the STS + IAM + Security Hub emulator; 0 picks a free port'],
  ['dynamo-port', 'DYNAMO_PORT', '4567', 'DynamoDB (dynalite); 0 picks a free port'],
  ['sqs-port', 'SQS_PORT', '4566', 'SQS (fauxqs); 0 picks a free port'],
  ['data-dir', 'DATA_DIR', '.local/data', 'where DynamoDB, the queues and the emulated accounts are kept'],
  ['state-file', 'STATE_FILE', '.local/stack.json', 'where the URLs, ports, token and credentials are written'],
  ['log-level', 'LOG_LEVEL', 'WARN', 'the handlers\' log level (DEBUG, INFO, WARN, ERROR)'],
  ['visibility-timeout', 'VISIBILITY_TIMEOUT', '2', 'the delivery queue\'s visibility timeout, seconds'],
  ['max-receive-count', 'MAX_RECEIVE_COUNT', '3', 'receives before SQS dead-letters a message'],
  ['deliver-concurrency', 'DELIVER_CONCURRENCY', String(DEFAULTS.deliverMaxConcurrency), 'deliver invocations at once (the deployed maximum concurrency)'],
];
const program = new Command('npm start --')
  .description('Runs the whole broker on this machine: DynamoDB, SQS, the STS/IAM/Security Hub emulator, the handlers and the delivery poller.')
  .option('--in-memory', 'keep nothing on disk (no data dir)', false);
for (const [name, env, fallback, help] of OPTIONS) program.addOption(new Option(`--${name} <value>`, help).env(env).default(fallback));
program.parse();
const options = program.opts<Record<string, string | boolean>>();
const camel = (name: string) => name.replace(/-([a-z])/g, (_m, letter: string) => letter.toUpperCase());
const flags = Object.fromEntries([...OPTIONS.map(([name]) => name), 'in-memory'].map((name) => [name, options[camel(name)]!])) as Record<string, string | boolean>;

function count(name: string, min: number): number {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < min) program.error(`error: --${name} must be an integer >= ${min}, got ${String(flags[name])}`);
  return value;
}

function port(name: string): number {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) program.error(`error: --${name} must be a port number (0 = any free port), got ${String(flags[name])}`);
  return value;
}

/**
 * Stopping: from the first line on, not only once the stack is up. A SIGTERM to `npm start` ends npm
 * alone, and a watch registered only after start-up missed an npm that went away meanwhile (its parent
 * was already init, so nothing looked changed), which left the stack holding every port. Before the
 * stack is up the stop waits for it; the servers are this process's own, so exiting frees their ports.
 */
let running: { stop(): Promise<void> } | undefined;
let stopRequested = false;
let stopping = false;
function shutDown(): void {
  stopRequested = true;
  if (stopping || !running) return;
  stopping = true;
  void running.stop().then(() => process.exit(0));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, shutDown);
watchAncestors(shutDown);

const stateFile = resolve(String(flags['state-file']));
const previous = await readFile(stateFile, 'utf8').then((text) => JSON.parse(text) as { partner?: { token?: string } }).catch(() => undefined);
const stack = await startLocalStack({
  apiPort: port('api-port'), emulatorPort: port('emulator-port'), dynamoPort: port('dynamo-port'), sqsPort: port('sqs-port'),
  ...(flags['in-memory'] ? {} : { dataDir: resolve(String(flags['data-dir'])) }),
  logLevel: String(flags['log-level']),
  visibilityTimeoutSeconds: count('visibility-timeout', 0), maxReceiveCount: count('max-receive-count', 1), deliverConcurrency: count('deliver-concurrency', 1),
  // Not before the demo customer exists again in the emulator: findings queued before a restart wait for it.
  startPoller: false,
}).catch((error: NodeJS.ErrnoException & { port?: number }) => {
  if (error.code !== 'EADDRINUSE') throw error;
  process.stderr.write(`Port ${error.port ?? '(one of them)'} is already in use: is another \`npm start\` running? Stop it, or pick other ports ` +
    '(--api-port, --emulator-port, --dynamo-port, --sqs-port; 0 picks a free one).\n');
  process.exit(1);
});
const verifierSts = new STSClient({ region: stack.region, endpoint: stack.emulator.url,
  credentials: { accessKeyId: LOCAL_BROKER.verifierAccessKeyId, secretAccessKey: LOCAL_BROKER.verifierSecretAccessKey } });
const demo = await seedDemo({
  registry: stack.registry, emulator: stack.emulator.state, region: stack.region, partnerAccountId: stack.brokerAccountId,
  principals: { delivery: stack.brokerPrincipalArn, verifier: stack.verifierPrincipalArn },
  customerRoleNamePrefix: LOCAL_BROKER.customerRoleNamePrefix, verifierSts, securityHubEndpoint: stack.emulator.url, sessionName: `${LOCAL_BROKER.roleSessionNamePrefix}-verify`,
  ...(previous?.partner?.token ? { previousToken: previous.partner.token } : {}),
});
verifierSts.destroy();
stack.poller.start();

const state = {
  apiUrl: stack.apiUrl,
  region: stack.region,
  emulatorUrl: stack.emulator.url,
  // Every endpoint resolves for any client (awscli included): 127.0.0.1, not sqs.<region>.localhost.
  endpoints: { dynamodb: stack.dynamoEndpoint, sqs: stack.sqsIpEndpoint, sts: stack.emulator.url, securityhub: stack.emulator.url, iam: stack.emulator.url },
  tableName: stack.tableName,
  deliveryQueueUrl: stack.deliveryQueueUrl,
  deadLetterQueueUrl: stack.deadLetterQueueUrl,
  deliveryQueueArn: stack.deliveryQueueArn,
  deadLetterQueueArn: stack.deadLetterQueueArn,
  // The operator CLI (npm run broker-admin) signs with these locally; the emulator knows them as the operator's user.
  operator: { arn: LOCAL_BROKER.operatorArn, credentials: { accessKeyId: LOCAL_BROKER.operatorAccessKeyId, secretAccessKey: LOCAL_BROKER.operatorSecretAccessKey } },
  brokerPrincipalArn: stack.brokerPrincipalArn,
  verifierPrincipalArn: stack.verifierPrincipalArn,
  partner: { partnerId: demo.partnerId, token: demo.token, productArns: demo.productArns },
  customer: {
    accountIds: [demo.customerAccountId],
    roleArn: demo.customerRoleArn,
    // Credentials the emulator knows as the demo customer's admin: use them to call GetFindings.
    credentials: demo.customerCredentials,
  },
  // A customer that has not onboarded: its admin's credentials sign the onboarding API and run awscli.
  newCustomer: { accountId: DEMO.newCustomerAccountId, credentials: { ...DEMO.newCustomerUser } },
};
await mkdir(dirname(stateFile), { recursive: true });
await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });

const finding = demoFinding(demo.productArns[0]!, demo.customerAccountId, stack.region, new Date());
const productKey = `${DEMO.company}/${DEMO.product}`;
const setupDir = join(dirname(stateFile), 'onboarding');
const newRole = `SecurityHubFindingsBroker-${DEMO.company}-${DEMO.product}`;
const emulatorCli = `aws --endpoint-url ${stack.emulator.url} --region ${stack.region}`;
/** One command a line, runnable as printed (test/e2e/npm-start-curl.test.ts runs them in order). */
const onboardingCommands = [
  `export AWS_ACCESS_KEY_ID=${DEMO.newCustomerUser.accessKeyId} AWS_SECRET_ACCESS_KEY=${DEMO.newCustomerUser.secretAccessKey} AWS_REGION=${stack.region} BROKER_API_URL=${stack.apiUrl}`,
  'npm run --silent customer -- products',
  `npm run --silent customer -- register --product ${productKey} --region ${stack.region} --save-setup ${setupDir}`,
  `${emulatorCli} iam create-role --role-name ${newRole} --assume-role-policy-document file://${join(setupDir, 'trust-policy.json')}`,
  `${emulatorCli} iam put-role-policy --role-name ${newRole} --policy-name SecurityHubFindingsBrokerImport --policy-document file://${join(setupDir, 'permissions-policy.json')}`,
  `${emulatorCli} securityhub enable-security-hub`,
  `${emulatorCli} securityhub enable-import-findings-for-product --product-arn ${demo.productArns[0]}`,
  `npm run --silent customer -- set-role --product ${productKey} --role-arn arn:aws:iam::${DEMO.newCustomerAccountId}:role/${newRole}`,
];

// On a kept data dir the new customer may have onboarded in an earlier run (its role and registration
// persist): the commands would then fail (EntityAlreadyExists, 409), so say where it stands instead.
const earlier = await stack.registry.getRegistration(DEMO.newCustomerAccountId, productKey);
const onboardingHelp = earlier && earlier.status !== 'OFFBOARDED'
  ? `Customer account ${DEMO.newCustomerAccountId} onboarded in an earlier run on this data dir (registration ${earlier.status}); to see it:
  ${onboardingCommands[0]}
  npm run --silent customer -- status --product ${productKey}
To walk the onboarding again from the start, run npm start with --in-memory or a fresh --data-dir.`
  : `Onboard a new customer (account ${DEMO.newCustomerAccountId}) through the SigV4-signed onboarding API, as its cloud engineer would:
${onboardingCommands.map((command) => `  ${command}`).join('\n')}
The last reply shows status ACTIVE, or each problem with its fix; \`npm run customer -- --help\` lists the other commands.`;

// One pasteable line: the endpoints by IP (127.0.0.1 resolves for any client; the queue URLs' *.localhost names may not).
// The SDKs read AWS_ENDPOINT_URL_<SERVICE>; awscli v1 does not for SQS, so the printed commands pass --endpoint-url too.
const operatorEnvironment = [
  `export AWS_ACCESS_KEY_ID=${LOCAL_BROKER.operatorAccessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_BROKER.operatorSecretAccessKey} AWS_REGION=${stack.region} AWS_DEFAULT_REGION=${stack.region}`,
  `AWS_ENDPOINT_URL_SQS=${stack.sqsIpEndpoint} AWS_ENDPOINT_URL_DYNAMODB=${stack.dynamoEndpoint} TABLE_NAME=${LOCAL_BROKER.tableName}`,
  `DELIVERY_QUEUE_URL=${stack.deliveryQueueUrl} DEAD_LETTER_QUEUE_URL=${stack.deadLetterQueueUrl}`,
].join(' ');

process.stdout.write(`
Security Hub findings broker running locally (${flags['in-memory'] ? 'in memory' : `data in ${String(flags['data-dir'])}`}).
  API            ${stack.apiUrl}   (POST /v1/findings, GET /v1/submissions/{id}, the onboarding routes)
  STS + Security Hub emulator ${stack.emulator.url}
  DynamoDB ${stack.dynamoEndpoint}   SQS ${stack.sqsIpEndpoint}
  Demo partner   ${DEMO.partnerId}, token: ${demo.token}
  Demo customer  account ${demo.customerAccountId}, role ${demo.customerRoleArn}
  Everything a script needs: ${stateFile}

Post a finding:
  curl -sS -X POST ${stack.apiUrl}/v1/findings -H 'Authorization: Bearer ${demo.token}' -H 'content-type: application/json' \\
    -d '${JSON.stringify({ Findings: [finding] })}'

Read it back from the customer's (emulated) Security Hub:
  AWS_ACCESS_KEY_ID=${demo.customerCredentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${demo.customerCredentials.secretAccessKey} \\
    aws --endpoint-url ${stack.emulator.url} --region ${stack.region} securityhub get-findings \\
    --filters '{"Id":[{"Value":"demo-finding-1","Comparison":"EQUALS"}]}'

${onboardingHelp}

Operate it: \`npm run --silent broker-admin -- dlq summary\` (from this folder: it reads ${stateFile}). For awscli, or the
operator CLI from elsewhere, against the local SQS and DynamoDB:
  ${operatorEnvironment}
  aws --endpoint-url "$AWS_ENDPOINT_URL_SQS" sqs get-queue-attributes --queue-url "$DEAD_LETTER_QUEUE_URL" --attribute-names ApproximateNumberOfMessages
  aws --endpoint-url "$AWS_ENDPOINT_URL_DYNAMODB" dynamodb scan --table-name "$TABLE_NAME" --max-items 3

Ctrl-C stops it.
`);

running = stack;
if (stopRequested) shutDown();
