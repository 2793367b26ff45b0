// The full zod API, not zod/mini as in the functions (shared/config.ts): the CDK app is never bundled into a Lambda.
import * as z from 'zod';
import { DEFAULT_ROLE_SESSION_NAME_PREFIX } from '#shared/config.js';
import { parseProductArn } from '#shared/product/product-arn.js';

/**
 * The stack's public knobs, read once from CDK context (`cdk deploy -c key=value`, or cdk.json).
 * Values from the command line arrive as strings; cdk.json may hold real arrays, numbers and booleans.
 * A bad value fails synth with the key's name and what it must hold, before anything is built; every
 * bad key is reported at once (a zod schema, as the functions' environment is read: shared/config.ts).
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
  roleSessionNamePrefix: DEFAULT_ROLE_SESSION_NAME_PREFIX,
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

/** One bad context key and what it must hold. */
export interface ContextProblem {
  readonly key: string;
  readonly problem: string;
}

/** Every bad context key at once: synth fails with all of them, not only the first. */
export class ConfigurationError extends Error {
  readonly problems: readonly ContextProblem[];

  constructor(problems: readonly ContextProblem[]) {
    super(describeProblems(problems));
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}

function describeProblems(problems: readonly ContextProblem[]): string {
  const lines = problems.map(({ key, problem }) => `Context "${key}": ${problem}.`);
  if (lines.length === 1) {
    const [{ key }] = problems as readonly [ContextProblem];
    return `${lines[0]} Pass it as: cdk deploy -c ${key}=<value> (see docs/deploy.md).`;
  }
  return [
    `The CDK context has ${lines.length} problems. Pass each key as: cdk deploy -c <key>=<value>, or in cdk.json's context (see docs/deploy.md).`,
    ...lines.map((line) => `  ${line}`),
  ].join('\n');
}

// Schemas for one context value. A value from `-c` is a string (trimmed before it is checked); cdk.json
// may hold a real number, boolean or array. Each problem says what the key must hold, quoting the value.

const notValid = (value: unknown, what: string) => `"${String(value)}" is not valid: expected ${what}`;

/** Text matching `pattern`; a number or boolean from cdk.json is read as its text. */
const text = (pattern: RegExp, what: string) => z.coerce.string().trim().regex(pattern, { error: (issue) => notValid(issue.input, what) });

function isHttpsUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '' &&
    !/\s/.test(value) &&
    value.length <= MAX_TEMPLATE_URL_LENGTH
  );
}

const httpsUrl = z.coerce
  .string()
  .trim()
  .refine(isHttpsUrl, { error: (issue) => notValid(issue.input, `an https:// URL of at most ${MAX_TEMPLATE_URL_LENGTH} characters`) });

/** A whole number in [min, max]: a cdk.json number, or its text from `-c`. */
const wholeNumber = (min: number, max: number) =>
  z.unknown().transform((raw, ctx) => {
    const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    ctx.addIssue({ code: 'custom', input: raw, message: notValid(raw, `a whole number from ${min} to ${max}`) });
    return z.NEVER;
  });

/** A cdk.json boolean, or `true` / `false` (any case) from `-c`. */
const flag = z.unknown().transform((raw, ctx) => {
  if (typeof raw === 'boolean') return raw;
  const value = String(raw).trim().toLowerCase();
  if (value === 'true' || value === 'false') return value === 'true';
  ctx.addIssue({ code: 'custom', input: raw, message: notValid(raw, 'true or false') });
  return z.NEVER;
});

/**
 * A list: a cdk.json array, a JSON array string, or a comma-separated string. Items are trimmed and
 * empty ones dropped; each is then checked by `item`, so every bad item is named.
 */
const list = (item: z.ZodType<string, string>) =>
  z
    .unknown()
    .transform((raw, ctx): string[] => {
      const items = (values: unknown[]) => values.map((value) => String(value).trim()).filter(Boolean);
      if (Array.isArray(raw)) return items(raw);
      if (typeof raw !== 'string') {
        ctx.addIssue({ code: 'custom', input: raw, message: 'must be a comma-separated list or a JSON array' });
        return z.NEVER;
      }
      const value = raw.trim();
      if (!value.startsWith('[')) return value.split(',').map((part) => part.trim()).filter(Boolean);
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (Array.isArray(parsed)) return items(parsed);
      ctx.addIssue({ code: 'custom', input: raw, message: `"${value}" is not valid: must be a JSON array of strings` });
      return z.NEVER;
    })
    .pipe(z.array(item));

const productArn = z.string().refine((arn) => parseProductArn(arn) !== undefined, {
  error: (issue) =>
    `"${String(issue.input)}" is not a Security Hub product ARN (arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>)`,
});

const organizationId = z
  .string()
  .regex(ORGANIZATION_ID, {
    error: (issue) => notValid(issue.input, 'AWS Organizations ids (o-<10-32 lower-case letters or digits>), comma-separated'),
  });

const companyOrProductId = text(COMPANY_OR_PRODUCT_ID, 'letters, digits, ".", "_" or "-"');

const brokerContext = z
  .object({
    productArns: list(productArn).default([]),
    partnerCompanyId: companyOrProductId.optional(),
    partnerProductId: companyOrProductId.optional(),
    customerRoleNamePrefix: text(ROLE_NAME_PREFIX, '1-48 characters of [\\w+=,.@-]').default(DEFAULTS.customerRoleNamePrefix),
    roleSessionNamePrefix: text(SESSION_NAME_PREFIX, '2-32 characters of [\\w+=,.@-]').default(DEFAULTS.roleSessionNamePrefix),
    customerRoleTemplateUrl: httpsUrl.optional(),
    customerOrganizationIds: list(organizationId)
      .transform((ids) => [...new Set(ids)])
      .default([]),
    alarmEmail: text(EMAIL, 'an e-mail address').optional(),
    deliverMaxConcurrency: wholeNumber(MIN_ESM_CONCURRENCY, MAX_ESM_CONCURRENCY).default(DEFAULTS.deliverMaxConcurrency),
    requireApiKeys: flag.default(DEFAULTS.requireApiKeys),
    apiGatewayCloudWatchRole: flag.default(DEFAULTS.apiGatewayCloudWatchRole),
    apiRateLimit: wholeNumber(1, 10_000).default(DEFAULTS.apiRateLimit),
    apiBurstLimit: wholeNumber(1, 5_000).default(DEFAULTS.apiBurstLimit),
    stackName: text(STACK_NAME, 'a CloudFormation stack name').default(DEFAULTS.stackName),
  } satisfies Record<ContextKey, z.ZodType>)
  .superRefine(
    (config, ctx) => {
      // Rules across keys run even when a key above is bad, so one synth reports every problem. They
      // look only at whether a key is set: a bad value of it is reported above.
      const isSet = (name: ContextKey) => config[name] !== undefined;
      if (isSet('partnerCompanyId') !== isSet('partnerProductId')) {
        ctx.addIssue({ code: 'custom', path: ['partnerProductId'], message: 'set partnerCompanyId and partnerProductId together' });
      }
      const noProductArns = Array.isArray(config.productArns) && config.productArns.length === 0;
      if (noProductArns && !isSet('partnerCompanyId') && !isSet('partnerProductId')) {
        ctx.addIssue({
          code: 'custom',
          path: ['productArns'],
          message: 'required: the Security Hub product ARNs to import with (comma-separated), or partnerCompanyId + partnerProductId',
        });
      }
    },
    { when: () => true },
  );

type ContextReader = (key: string) => unknown;

type ContextKey = keyof typeof CONTEXT_KEYS;

/** A key is unset when it is missing, null (cdk.json) or empty (`-c key=`): the default applies. */
const isUnset = (raw: unknown) => raw === undefined || raw === null || raw === '';

export function readBrokerConfig(read: ContextReader): BrokerConfig {
  const context: Partial<Record<ContextKey, unknown>> = {};
  for (const name of Object.keys(CONTEXT_KEYS) as ContextKey[]) {
    const raw = read(CONTEXT_KEYS[name]);
    if (!isUnset(raw)) context[name] = raw;
  }
  const parsed = brokerContext.safeParse(context);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => {
        const name = issue.path[0];
        return { key: typeof name === 'string' && name in CONTEXT_KEYS ? CONTEXT_KEYS[name as ContextKey] : '(context)', problem: issue.message };
      }),
    );
  }
  const config: BrokerConfig = parsed.data; // the schema's output is the interface, checked here
  return config;
}
