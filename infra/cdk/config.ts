import { parseProductArn } from '#shared/product/product-arn.js';

/**
 * The stack's public knobs, read once from CDK context (`cdk deploy -c key=value`, or cdk.json).
 * Values from the command line arrive as strings; cdk.json may hold real arrays, numbers and booleans.
 * A bad value fails synth with the key's name and what it must hold, before anything is built.
 */
export interface BrokerConfig {
  /** Security Hub product ARNs the broker imports with in the partner-account / customer-hosted modes. */
  readonly productArns: readonly string[];
  /** Partner company id and product id: `product/<company>/<product>` in every product ARN. */
  readonly partnerCompanyId?: string;
  readonly partnerProductId?: string;
  /** Customer roles the broker may assume are named `<prefix>...` (see infra/customer-role.yaml). */
  readonly customerRoleNamePrefix: string;
  /** AssumeRole session names are `<prefix>-<something>`; the deliver role may use no other. */
  readonly roleSessionNamePrefix: string;
  /**
   * An https URL of a public copy of infra/customer-role.yaml. When set, the onboarding API builds a
   * CloudFormation quick-create link from it; without it, customers deploy the template themselves.
   */
  readonly customerRoleTemplateUrl?: string;
  /**
   * AWS Organizations ids (`o-...`). When set, only principals of accounts in these organizations are
   * admitted to the IAM routes (customer onboarding) from other accounts (`aws:PrincipalOrgID`).
   */
  readonly customerOrganizationIds: readonly string[];
  /** Alarm notifications go to this address when set (the subscription must be confirmed). */
  readonly alarmEmail?: string;
  /** Upper bound on concurrent deliver invocations (SQS event source maxConcurrency, 2-1000). */
  readonly deliverMaxConcurrency: number;
  /** Require partner API keys (supplied by the authorizer) on every partner method. */
  readonly requireApiKeys: boolean;
  /** Manage the account-level API Gateway CloudWatch Logs role in this stack. */
  readonly apiGatewayCloudWatchRole: boolean;
  /** Stage-wide throttle: steady requests per second and burst. */
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  readonly stackName: string;
}

/** The context keys, named once (docs/deploy.md lists them). */
export const CONTEXT_KEYS = {
  productArns: 'productArns',
  partnerCompanyId: 'partnerCompanyId',
  partnerProductId: 'partnerProductId',
  customerRoleNamePrefix: 'customerRoleNamePrefix',
  roleSessionNamePrefix: 'roleSessionNamePrefix',
  customerRoleTemplateUrl: 'customerRoleTemplateUrl',
  customerOrganizationIds: 'customerOrganizationIds',
  alarmEmail: 'alarmEmail',
  deliverMaxConcurrency: 'deliverMaxConcurrency',
  requireApiKeys: 'requireApiKeys',
  apiGatewayCloudWatchRole: 'apiGatewayCloudWatchRole',
  apiRateLimit: 'apiRateLimit',
  apiBurstLimit: 'apiBurstLimit',
  stackName: 'stackName',
} as const;

export const DEFAULTS = {
  customerRoleNamePrefix: 'SecurityHubFindingsBroker',
  roleSessionNamePrefix: 'securityhub-broker',
  /**
   * Deliver invocations at once. The FIFO delivery queue gives each account+Region quota to one
   * invocation at a time, so five serve five busy customers at their full quota while quiet ones
   * share what is left (docs/performance.md).
   */
  deliverMaxConcurrency: 5,
  /**
   * The deliver function's timeout: an invocation waits at most 10 s for quotas
   * (DELIVERY_PACING_BUDGET_MS), then needs a few seconds for STS, dead letters and re-queued findings.
   */
  deliverTimeoutSeconds: 120,
  requireApiKeys: false,
  apiGatewayCloudWatchRole: true,
  /** A request carries up to 1,000 findings, so 50 requests/s is already ~50,000 findings/s. */
  apiRateLimit: 50,
  apiBurstLimit: 100,
  stackName: 'SecurityHubFindingsBroker',
} as const;

/** SQS event source mappings accept maxConcurrency 2-1000. */
const MIN_ESM_CONCURRENCY = 2;
const MAX_ESM_CONCURRENCY = 1000;
/** IAM role names are at most 64 characters; leave room for a suffix after the prefix. */
const ROLE_NAME_PREFIX = /^[\w+=,.@-]{1,48}$/;
/** STS session names are 2-64 of [\w+=,.@-]; the broker appends `-<something>` to the prefix. */
const SESSION_NAME_PREFIX = /^[\w+=,.@-]{2,32}$/;
const COMPANY_OR_PRODUCT_ID = /^[\w.-]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
/** AWS Organizations organization ids: `o-` and 10-32 lower-case letters or digits. */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** CloudFormation's TemplateURL is at most 1,024 characters. */
const MAX_TEMPLATE_URL_LENGTH = 1024;

export class ConfigurationError extends Error {
  constructor(key: string, problem: string) {
    super(`Context "${key}": ${problem}. Pass it as: cdk deploy -c ${key}=<value> (see docs/deploy.md).`);
    this.name = 'ConfigurationError';
  }
}

type ContextReader = (key: string) => unknown;

export function readBrokerConfig(read: ContextReader): BrokerConfig {
  const productArns = readList(read, CONTEXT_KEYS.productArns);
  for (const arn of productArns) {
    if (!parseProductArn(arn)) {
      throw new ConfigurationError(
        CONTEXT_KEYS.productArns,
        `"${arn}" is not a Security Hub product ARN (arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>)`,
      );
    }
  }
  const partnerCompanyId = readOptional(read, CONTEXT_KEYS.partnerCompanyId, COMPANY_OR_PRODUCT_ID, 'letters, digits, ".", "_" or "-"');
  const partnerProductId = readOptional(read, CONTEXT_KEYS.partnerProductId, COMPANY_OR_PRODUCT_ID, 'letters, digits, ".", "_" or "-"');
  if ((partnerCompanyId === undefined) !== (partnerProductId === undefined)) {
    throw new ConfigurationError(CONTEXT_KEYS.partnerProductId, 'set partnerCompanyId and partnerProductId together');
  }
  if (productArns.length === 0 && partnerCompanyId === undefined) {
    throw new ConfigurationError(
      CONTEXT_KEYS.productArns,
      'required: the Security Hub product ARNs to import with (comma-separated), or partnerCompanyId + partnerProductId',
    );
  }
  return {
    productArns,
    ...(partnerCompanyId !== undefined && { partnerCompanyId }),
    ...(partnerProductId !== undefined && { partnerProductId }),
    customerRoleNamePrefix:
      readOptional(read, CONTEXT_KEYS.customerRoleNamePrefix, ROLE_NAME_PREFIX, '1-48 characters of [\\w+=,.@-]') ??
      DEFAULTS.customerRoleNamePrefix,
    roleSessionNamePrefix:
      readOptional(read, CONTEXT_KEYS.roleSessionNamePrefix, SESSION_NAME_PREFIX, '2-32 characters of [\\w+=,.@-]') ??
      DEFAULTS.roleSessionNamePrefix,
    ...optionalEntry('customerRoleTemplateUrl', readHttpsUrl(read, CONTEXT_KEYS.customerRoleTemplateUrl, MAX_TEMPLATE_URL_LENGTH)),
    customerOrganizationIds: readOrganizationIds(read, CONTEXT_KEYS.customerOrganizationIds),
    ...optionalEntry('alarmEmail', readOptional(read, CONTEXT_KEYS.alarmEmail, EMAIL, 'an e-mail address')),
    deliverMaxConcurrency: readInteger(
      read,
      CONTEXT_KEYS.deliverMaxConcurrency,
      DEFAULTS.deliverMaxConcurrency,
      MIN_ESM_CONCURRENCY,
      MAX_ESM_CONCURRENCY,
    ),
    requireApiKeys: readBoolean(read, CONTEXT_KEYS.requireApiKeys, DEFAULTS.requireApiKeys),
    apiGatewayCloudWatchRole: readBoolean(read, CONTEXT_KEYS.apiGatewayCloudWatchRole, DEFAULTS.apiGatewayCloudWatchRole),
    apiRateLimit: readInteger(read, CONTEXT_KEYS.apiRateLimit, DEFAULTS.apiRateLimit, 1, 10_000),
    apiBurstLimit: readInteger(read, CONTEXT_KEYS.apiBurstLimit, DEFAULTS.apiBurstLimit, 1, 5_000),
    stackName: readOptional(read, CONTEXT_KEYS.stackName, STACK_NAME, 'a CloudFormation stack name') ?? DEFAULTS.stackName,
  };
}

function optionalEntry<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readList(read: ContextReader, key: string): string[] {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return [];
  if (Array.isArray(raw)) return raw.map((item) => String(item).trim()).filter(Boolean);
  if (typeof raw !== 'string') throw new ConfigurationError(key, 'must be a comma-separated list or a JSON array');
  const text = raw.trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new ConfigurationError(key, 'must be a JSON array of strings');
    return parsed.map((item) => String(item).trim()).filter(Boolean);
  }
  return text.split(',').map((item) => item.trim()).filter(Boolean);
}

function readOptional(read: ContextReader, key: string, pattern: RegExp, what: string): string | undefined {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = String(raw).trim();
  if (!pattern.test(value)) throw new ConfigurationError(key, `"${value}" is not valid: expected ${what}`);
  return value;
}

function readHttpsUrl(read: ContextReader, key: string, maxLength: number): string | undefined {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = String(raw).trim();
  const what = `expected an https:// URL of at most ${maxLength} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(key, `"${value}" is not valid: ${what}`);
  }
  if (url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '' || /\s/.test(value) || value.length > maxLength) {
    throw new ConfigurationError(key, `"${value}" is not valid: ${what}`);
  }
  return value;
}

function readOrganizationIds(read: ContextReader, key: string): string[] {
  const ids = readList(read, key);
  for (const id of ids) {
    if (!ORGANIZATION_ID.test(id)) {
      throw new ConfigurationError(key, `"${id}" is not valid: expected AWS Organizations ids (o-<10-32 lower-case letters or digits>), comma-separated`);
    }
  }
  return [...new Set(ids)];
}

function readInteger(read: ContextReader, key: string, fallback: number, min: number, max: number): number {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(key, `"${String(raw)}" is not valid: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

function readBoolean(read: ContextReader, key: string, fallback: boolean): boolean {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (typeof raw === 'boolean') return raw;
  const text = String(raw).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigurationError(key, `"${String(raw)}" is not valid: expected true or false`);
}
