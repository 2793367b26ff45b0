import * as z from 'zod/mini';
import { BadRequestError } from '#shared/errors.js';
import { DELIVERY_MODES } from '#shared/registry/model.js';
import type { CreateInput } from '#shared/onboarding/registrations.js';

/** Region names as AWS spells them (`us-east-1`, `us-gov-west-1`, `ap-southeast-5`). */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const KEY_PART = /^[\w.-]{1,128}$/;
/** Security Hub has about 30 Regions; anything past this is not a list of Regions. */
const MAX_REGIONS = 40;

const createBody = z.strictObject({
  product: z.string().check(z.regex(/^[\w.-]{1,128}\/[\w.-]{1,128}$/, 'must be a product key "<company>/<product>" from GET /v1/products')),
  regions: z.array(z.string().check(z.regex(REGION, 'must be a Region name such as us-east-1'))).check(
    z.minLength(1, 'must name at least one Region'), z.maxLength(MAX_REGIONS, `must name at most ${MAX_REGIONS} Regions`)),
  mode: z.optional(z.enum(DELIVERY_MODES, { error: `must be one of ${DELIVERY_MODES.join(', ')} (default cross-account-role)` })),
});
const roleBody = z.strictObject({
  roleArn: z.string().check(z.minLength(20, 'must be an IAM role ARN'), z.maxLength(2048, 'must be at most 2048 characters (an IAM role ARN)')),
});

const CREATE_EXAMPLE = '{"product": "<company>/<product>", "regions": ["us-east-1"]}';
const ROLE_EXAMPLE = '{"roleArn": "arn:aws:iam::<your account>:role/<role name>"}';

function parseJson(body: string | null, example: string): unknown {
  if (body === null || body.trim() === '') throw new BadRequestError('InvalidRequest', `The request needs a JSON body, e.g. ${example}.`);
  try {
    return JSON.parse(body);
  } catch {
    throw new BadRequestError('InvalidRequest', `The body is not valid JSON. Send e.g. ${example}.`);
  }
}

/** zod's issues as "field: problem" lines, bounded, with the expected shape. */
function refuse(issues: readonly z.core.$ZodIssue[], example: string): never {
  const problems = issues.slice(0, 10).map((issue) => {
    const field = issue.path.join('.') || '(body)';
    if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.slice(0, 5).map((k) => `"${k.slice(0, 64)}"`).join(', ')}`;
    return `${field}: ${issue.message}`;
  });
  throw new BadRequestError('InvalidRequest', `${problems.join('; ')}. Send ${example}.`);
}

export function parseCreateBody(body: string | null): CreateInput {
  const json = parseJson(body, CREATE_EXAMPLE);
  if (json && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).some((key) => key.toLowerCase() === 'externalid')) {
    throw new BadRequestError('ExternalIdNotAccepted',
      `The broker issues the ExternalId itself (a customer-chosen one would let another party reuse it: the confused-deputy problem). Remove it and send ${CREATE_EXAMPLE}.`);
  }
  const parsed = createBody.safeParse(json);
  if (!parsed.success) refuse(parsed.error.issues, CREATE_EXAMPLE);
  return parsed.data;
}

export function parseRoleBody(body: string | null): { roleArn: string } {
  const parsed = roleBody.safeParse(parseJson(body, ROLE_EXAMPLE));
  if (!parsed.success) refuse(parsed.error.issues, ROLE_EXAMPLE);
  return parsed.data;
}

/** The `{company}/{product}` path segments as a product key. */
export function parseProductPath(parameters: Record<string, string | undefined> | null): string {
  // API Gateway hands path parameters over already decoded.
  const company = parameters?.company ?? '';
  const product = parameters?.product ?? '';
  if (!KEY_PART.test(company) || !KEY_PART.test(product)) {
    throw new BadRequestError('InvalidProduct', 'The path must name a product key /v1/registrations/<company>/<product> (letters, digits, ".", "_", "-").');
  }
  return `${company}/${product}`;
}
