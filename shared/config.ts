import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Reads and validates a function's configuration from the environment once, at cold start.
 * A missing or malformed variable fails fast with the variable's name and what it must hold.
 */
export function readConfig<Schema extends z.ZodType>(
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

export const tableName = z.string({ error: 'required: the DynamoDB table name' }).min(1);
export const queueUrl = (what: string) =>
  z.string({ error: `required: the URL of the ${what}` }).regex(/^https?:\/\/\S+$/, `must be the http(s) URL of the ${what}`);
