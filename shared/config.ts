// zod/mini: the same validation as zod, tree-shaken to a few KB instead of ~440 KB per Lambda bundle.
import * as z from 'zod/mini';
import { ConfigError } from './errors.js';
import { SUSPENSION_POLICY } from './delivery/access-failures.js';

/**
 * Reads and validates a function's configuration from the environment once, at cold start.
 * A missing or malformed variable fails fast with the variable's name and what it must hold.
 */
export function readConfig<Schema extends z.ZodMiniType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration. Set these environment variables: ${problems.join('; ')}`);
}

export const tableName = z.string({ error: 'required: the DynamoDB table name' }).check(z.minLength(1));
export const queueUrl = (what: string) =>
  z.string({ error: `required: the URL of the ${what}` }).check(z.regex(/^https?:\/\/\S+$/, `must be the http(s) URL of the ${what}`));

export const DEFAULT_ROLE_SESSION_NAME_PREFIX = 'securityhub-broker';

/**
 * AssumeRole session names are `<prefix>-<something>`, pinned by IAM conditions on the broker's roles:
 * 2-32 of IAM's session-name characters, as the CDK context allows (infra/cdk/config.ts), which always
 * sets it. Every function that assumes roles reads it through this one schema.
 */
export const roleSessionNamePrefix = z._default(
  z.string().check(z.regex(/^[\w+=,.@-]{2,32}$/, 'must be 2-32 of [\\w+=,.@-]')),
  DEFAULT_ROLE_SESSION_NAME_PREFIX,
);

/** When refused deliveries suspend a registration (shared/delivery/access-failures.ts): deliver and the heartbeat read the same variables. */
export const SUSPENSION_ENVIRONMENT = {
  SUSPEND_AFTER_FAILURES: z._default(z.coerce.number().check(z.int(), z.minimum(1)), SUSPENSION_POLICY.failures),
  SUSPEND_AFTER_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), SUSPENSION_POLICY.windowMs / 1000),
};
