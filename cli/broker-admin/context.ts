/**
 * Where the broker is and how to talk to it, resolved once per run, each value from the first source
 * that has it:
 *   1. flags: --table, --dead-letter-queue-url, --delivery-queue-url, --aws-region, --stack-name;
 *   2. environment: TABLE_NAME, DEAD_LETTER_QUEUE_URL, DELIVERY_QUEUE_URL, AWS_REGION (AWS_DEFAULT_REGION),
 *      BROKER_STACK_NAME;
 *   3. the deployed stack's outputs (CloudFormation DescribeStacks) when a stack name is given:
 *      TableName, DeliveryQueueUrl, DeadLetterQueueUrl;
 *   4. when none of the above names a table, a queue or a stack: `.local/stack.json` in the current
 *      directory (written by `npm start`), with its endpoints and the local operator's credentials;
 *      without one, the outputs of the stack `npm run deploy` names by default (SecurityHubFindingsBroker).
 * Credentials otherwise come from the standard AWS chain; AWS_ENDPOINT_URL_<SERVICE> still applies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorName, errorMessage } from '#shared/errors.js';
import { DlqAuditLog } from '#shared/redrive/audit-log.js';
import type { DlqQueues } from '#shared/redrive/dlq-receiver.js';
import type { MoveQueues } from '#shared/redrive/move-task.js';
import { DynamoRegistry } from '#shared/registry/dynamo-registry.js';
import { CliError, describeError, EXIT, usageError, type Output } from './output.js';

/** The flags every command takes (commander's camelCase names). */
export interface GlobalFlags {
  json?: boolean;
  table?: string;
  deadLetterQueueUrl?: string;
  deliveryQueueUrl?: string;
  awsRegion?: string;
  stackName?: string;
}

/** What `npm start` writes to .local/stack.json (the part the operator CLI reads). */
export interface LocalStackFile {
  region?: string;
  endpoints?: { dynamodb?: string; sqs?: string; sts?: string };
  tableName?: string;
  deliveryQueueUrl?: string;
  deadLetterQueueUrl?: string;
  deliveryQueueArn?: string;
  deadLetterQueueArn?: string;
  operator?: { arn?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
}

export type ConfigSource = 'flag' | 'env' | 'stack' | 'stack.json';

export interface BrokerConfig {
  region: string | undefined;
  tableName: string | undefined;
  deadLetterQueueUrl: string | undefined;
  deliveryQueueUrl: string | undefined;
  deadLetterQueueArn: string | undefined;
  deliveryQueueArn: string | undefined;
  /** Explicit endpoints (a local stack); undefined = AWS's own. */
  endpoints: { dynamodb?: string; sqs?: string; sts?: string };
  /** Explicit credentials (the local operator's); undefined = the standard chain. */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Where each value came from, for messages. */
  sources: Partial<Record<'region' | 'tableName' | 'deadLetterQueueUrl' | 'deliveryQueueUrl', ConfigSource>>;
  stackName: string | undefined;
  /** The stack.json that was read, if any. */
  stackFile: string | undefined;
}

type Env = Record<string, string | undefined>;

export const STACK_FILE = join('.local', 'stack.json');
/** The stack name `npm run deploy` uses unless told otherwise (infra/cdk/broker-app.ts). */
export const DEFAULT_STACK_NAME = 'SecurityHubFindingsBroker';

/** Whether flags or the environment name the table, a queue or a stack: then .local/stack.json is not read. */
export function locationGiven(flags: GlobalFlags, env: Env): boolean {
  return [flags.table, flags.deadLetterQueueUrl, flags.deliveryQueueUrl, flags.stackName,
    env.TABLE_NAME, env.DEAD_LETTER_QUEUE_URL, env.DELIVERY_QUEUE_URL, env.BROKER_STACK_NAME].some((value) => Boolean(value));
}

/** The resolution order, without I/O: what the stack's outputs and stack.json hold is passed in. */
export function resolveConfig(input: {
  flags: GlobalFlags;
  env: Env;
  stackOutputs?: Record<string, string>;
  /** The stack the outputs came from, when it was not named by a flag or the environment (the default one). */
  stackName?: string;
  stackFile?: { path: string; content: LocalStackFile };
}): BrokerConfig {
  const { flags, env, stackOutputs = {} } = input;
  const local = locationGiven(flags, env) ? undefined : input.stackFile;
  const file = local?.content;
  const sources: BrokerConfig['sources'] = {};
  const pick = (key: keyof BrokerConfig['sources'], candidates: Array<[ConfigSource, string | undefined]>): string | undefined => {
    for (const [source, value] of candidates) {
      if (value) {
        sources[key] = source;
        return value;
      }
    }
    return undefined;
  };
  const region = pick('region', [['flag', flags.awsRegion], ['env', env.AWS_REGION], ['env', env.AWS_DEFAULT_REGION], ['stack.json', file?.region]]);
  const tableName = pick('tableName', [['flag', flags.table], ['env', env.TABLE_NAME], ['stack', stackOutputs.TableName], ['stack.json', file?.tableName]]);
  const deadLetterQueueUrl = pick('deadLetterQueueUrl', [['flag', flags.deadLetterQueueUrl], ['env', env.DEAD_LETTER_QUEUE_URL],
    ['stack', stackOutputs.DeadLetterQueueUrl], ['stack.json', file?.deadLetterQueueUrl]]);
  const deliveryQueueUrl = pick('deliveryQueueUrl', [['flag', flags.deliveryQueueUrl], ['env', env.DELIVERY_QUEUE_URL],
    ['stack', stackOutputs.DeliveryQueueUrl], ['stack.json', file?.deliveryQueueUrl]]);
  const sqsEndpoint = file?.endpoints?.sqs ?? env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
  return {
    region, tableName, deadLetterQueueUrl, deliveryQueueUrl,
    // stack.json names the ARNs of its own queues only; otherwise they are derived or asked for.
    deadLetterQueueArn: file && deadLetterQueueUrl === file.deadLetterQueueUrl ? file.deadLetterQueueArn : undefined,
    deliveryQueueArn: file && deliveryQueueUrl === file.deliveryQueueUrl ? file.deliveryQueueArn : undefined,
    endpoints: {
      ...(file?.endpoints?.dynamodb ? { dynamodb: file.endpoints.dynamodb } : {}),
      ...(sqsEndpoint ? { sqs: sqsEndpoint } : {}),
      ...(file?.endpoints?.sts ? { sts: file.endpoints.sts } : {}),
    },
    credentials: file?.operator?.credentials,
    sources,
    stackName: flags.stackName ?? env.BROKER_STACK_NAME ?? input.stackName,
    stackFile: local?.path,
  };
}

/** `arn:<partition>:sqs:<region>:<account>:<name>` of an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export function queueArnFromUrl(queueUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    return undefined;
  }
  const host = /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname) ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(url.hostname);
  const path = /^\/(\d{12})\/([\w-]+(?:\.fifo)?)$/.exec(url.pathname);
  if (!host || !path) return undefined;
  const region = host[1]!;
  const partition = host[2] ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : region.startsWith('us-iso-') ? 'aws-iso'
    : region.startsWith('us-isob-') ? 'aws-iso-b' : 'aws';
  return `arn:${partition}:sqs:${region}:${path[1]}:${path[2]}`;
}

const MISSING = {
  tableName: 'No registry table: pass --table, set TABLE_NAME, or name the deployed stack with --stack-name or BROKER_STACK_NAME (output TableName); locally, run from the folder holding .local/stack.json (npm start writes it).',
  deadLetterQueueUrl: 'No dead-letter queue: pass --dead-letter-queue-url, set DEAD_LETTER_QUEUE_URL, or name the deployed stack with --stack-name or BROKER_STACK_NAME (output DeadLetterQueueUrl); locally, run from the folder holding .local/stack.json (npm start writes it).',
  deliveryQueueUrl: 'No delivery queue: pass --delivery-queue-url, set DELIVERY_QUEUE_URL, or name the deployed stack with --stack-name or BROKER_STACK_NAME (output DeliveryQueueUrl); locally, run from the folder holding .local/stack.json (npm start writes it).',
} as const;

/**
 * The run's configuration and AWS clients, each made once and on first use, so a command that needs
 * only the table never asks for a queue.
 */
export class Context {
  private resolved: Promise<BrokerConfig> | undefined;
  private clients: { dynamo?: DynamoDBClient; sqs?: SQSClient; sts?: STSClient } = {};
  private caller: Promise<string> | undefined;

  constructor(private readonly flags: GlobalFlags, private readonly env: Env = process.env, private readonly cwd = env.INIT_CWD ?? process.cwd()) {}

  config(): Promise<BrokerConfig> {
    return (this.resolved ??= this.load());
  }

  private async load(): Promise<BrokerConfig> {
    const region = this.flags.awsRegion ?? this.env.AWS_REGION ?? this.env.AWS_DEFAULT_REGION;
    const named = this.flags.stackName ?? this.env.BROKER_STACK_NAME;
    if (named) return resolveConfig({ flags: this.flags, env: this.env, stackOutputs: await describeStackOutputs(named, region) });
    if (locationGiven(this.flags, this.env)) return resolveConfig({ flags: this.flags, env: this.env });
    const path = join(this.cwd, STACK_FILE);
    if (existsSync(path)) return resolveConfig({ flags: this.flags, env: this.env, stackFile: { path, content: readStackFile(path) } });
    try {
      const stackOutputs = await describeStackOutputs(DEFAULT_STACK_NAME, region, { implicit: true });
      return resolveConfig({ flags: this.flags, env: this.env, stackOutputs, stackName: DEFAULT_STACK_NAME });
    } catch (error) {
      // Nothing named the broker: what is missing is reported by the command that needs it, with this.
      this.notFound = `No ${STACK_FILE} in ${this.cwd}; the default stack ${DEFAULT_STACK_NAME} could not be read: ${describeError(error).message.replace(/\.$/, '')}`;
      return resolveConfig({ flags: this.flags, env: this.env });
    }
  }

  /** Why nothing was found where nothing was named (see load). */
  private notFound: string | undefined;

  private missing(what: keyof typeof MISSING): never {
    throw usageError(this.notFound ? `${MISSING[what]} (${this.notFound}.)` : MISSING[what]);
  }

  async tableName(): Promise<string> {
    return (await this.config()).tableName ?? this.missing('tableName');
  }

  private async common(): Promise<{ region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } }> {
    const { region, credentials } = await this.config();
    return { ...(region ? { region } : {}), ...(credentials ? { credentials } : {}) };
  }

  async dynamo(): Promise<DynamoDBClient> {
    const { endpoints } = await this.config();
    return (this.clients.dynamo ??= new DynamoDBClient({ ...(await this.common()), ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}) }));
  }

  /**
   * With an explicit endpoint the client must not send each call to its queue URL's host: local queue
   * URLs name sqs.<region>.localhost, which resolves only inside the `npm start` process.
   */
  async sqs(): Promise<SQSClient> {
    const { endpoints } = await this.config();
    return (this.clients.sqs ??= new SQSClient({ ...(await this.common()), ...(endpoints.sqs ? { endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false } : {}) }));
  }

  async sts(): Promise<STSClient> {
    const { endpoints } = await this.config();
    return (this.clients.sts ??= new STSClient({ ...(await this.common()), ...(endpoints.sts ? { endpoint: endpoints.sts } : {}) }));
  }

  async registry(): Promise<DynamoRegistry> {
    return new DynamoRegistry(await this.dynamo(), await this.tableName());
  }

  async auditLog(): Promise<DlqAuditLog> {
    return new DlqAuditLog(await this.dynamo(), await this.tableName());
  }

  /** The DLQ (and the delivery queue when `withDelivery`: redrive needs it, list and purge do not). */
  async queues(withDelivery: boolean): Promise<DlqQueues> {
    const config = await this.config();
    const deadLetterQueueUrl = config.deadLetterQueueUrl ?? this.missing('deadLetterQueueUrl');
    const deliveryQueueUrl = withDelivery ? (config.deliveryQueueUrl ?? this.missing('deliveryQueueUrl')) : (config.deliveryQueueUrl ?? '');
    return { sqs: await this.sqs(), deadLetterQueueUrl, deliveryQueueUrl };
  }

  /** Both queues when both are configured (self-healing after a verification), else undefined. */
  async queuesIfConfigured(): Promise<DlqQueues | undefined> {
    const config = await this.config();
    return config.deadLetterQueueUrl && config.deliveryQueueUrl ? this.queues(true) : undefined;
  }

  /** The queue ARNs move tasks take: from stack.json, derived from an AWS queue URL, or GetQueueAttributes. */
  async moveQueues(): Promise<MoveQueues> {
    const config = await this.config();
    const queues = await this.queues(true);
    const arnOf = async (url: string, known: string | undefined) => {
      if (known) return known;
      const derived = queueArnFromUrl(url);
      if (derived) return derived;
      const { Attributes } = await queues.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      return Attributes?.QueueArn ?? failWith(`SQS did not return the ARN of ${url}`);
    };
    return {
      sqs: queues.sqs,
      deadLetterQueueArn: await arnOf(queues.deadLetterQueueUrl, config.deadLetterQueueArn),
      deliveryQueueArn: await arnOf(queues.deliveryQueueUrl, config.deliveryQueueArn),
    };
  }

  /** Who is running this, for audit records: STS GetCallerIdentity (also proves the credentials work). */
  callerArn(): Promise<string> {
    return (this.caller ??= this.sts().then(async (sts) => (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? failWith('STS GetCallerIdentity returned no ARN')));
  }

  close(): void {
    for (const client of Object.values(this.clients)) client?.destroy();
    this.clients = {};
  }
}

function failWith(message: string): never {
  throw new CliError(message, EXIT.failed);
}

function readStackFile(path: string): LocalStackFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LocalStackFile;
  } catch (error) {
    throw usageError(`${path} is not readable JSON (${errorMessage(error)}); run npm start again, or pass --table and the queue URLs.`);
  }
}

/** The stack's outputs by OutputKey; a stack that does not exist is a usage error. */
async function describeStackOutputs(stackName: string, region: string | undefined, options: { implicit?: boolean } = {}): Promise<Record<string, string>> {
  const cloudFormation = new CloudFormationClient({
    ...(region ? { region } : {}),
    // A stack nobody named is only a guess: do not wait long for it.
    ...(options.implicit ? { maxAttempts: 1, requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000 } } : {}),
  });
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries((Stacks[0]?.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [])));
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /does not exist/i.test(errorMessage(error))) {
      throw usageError(`No stack ${stackName} in ${region ?? 'the default Region'}: check --stack-name (or BROKER_STACK_NAME) and --aws-region.`);
    }
    throw error;
  } finally {
    cloudFormation.destroy();
  }
}

/** What a command's action gets: its options merged with the global flags, the run's context and output. */
export interface Invocation<Options> {
  options: Options & GlobalFlags;
  ctx: Context;
  out: Output;
}

/** A command's action; it returns its exit code (0 when it returns nothing) or throws (see output.ts describeError). */
export type Action<Options> = (invocation: Invocation<Options>) => Promise<number | void>;

/** Wraps an action for commander: builds the context and output from the flags, and records the exit code. */
export type Runner = <Options>(action: Action<Options>) => (...args: unknown[]) => Promise<void>;
