// zod/mini: the same validation as zod, tree-shaken to a few KB instead of ~440 KB per Lambda bundle.
import * as z from 'zod/mini';
import { ConfigError } from './errors.js';

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
