/**
 * Evaluation of a role's trust policy for sts:AssumeRole, after IAM's policy evaluation logic:
 * an explicit Deny wins, otherwise any matching Allow admits, otherwise the request is denied
 * ("By default, all requests are implicitly denied"; "An explicit deny in any policy overrides any
 * allows", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Only the elements the broker's roles use are modelled; anything else is refused when the role is
 * stored (parseTrustPolicy), so a policy the emulator cannot judge never silently admits a caller.
 * For cross-account access IAM also needs an identity-based policy in the caller's account that
 * allows sts:AssumeRole (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):
 * authorization.ts judges that, and SCPs and RCPs, before the trust policy is read; for a role session
 * by its role's permission policies. Assumption: a long-term key is treated as having it (identity.ts).
 * Session policies and permissions boundaries are not modelled.
 */
import { parseRoleArn } from './arn.js';

export interface TrustCaller {
  accountId: string;
  /** aws:PrincipalArn: the role ARN for role sessions, the user or role ARN for long-term keys. */
  principalArn: string;
  /** The caller's own ARN (assumed-role ARN for sessions). */
  arn: string;
}

export interface TrustRequest {
  caller: TrustCaller;
  action: string;
  externalId?: string;
  roleSessionName?: string;
}

interface Statement {
  effect: 'Allow' | 'Deny';
  principals: string[];
  actions: string[];
  conditions: Array<{ operator: string; key: string; values: string[] }>;
}

export interface TrustPolicy {
  statements: Statement[];
}

/**
 * Statement elements per https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html.
 * Assumption: NotPrincipal, NotAction and Resource are refused rather than modelled (trust policies
 * the broker writes do not use them). Top-level elements other than Statement (Version, Id) are ignored.
 */
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Condition']);
/**
 * The string operators and Null, the string ones also as ...IfExists
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * IAM forbids NullIfExists (same page, #Conditions_IfExists); Assumption: the emulator does not refuse
 * it, since no policy the broker writes uses it. Assumption: the other families (Numeric, Date, Bool, Binary, IpAddress, Arn) and the ForAllValues /
 * ForAnyValue set qualifiers are refused; the keys modelled below are all single-valued strings.
 */
const OPERATORS = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase',
  'StringLike', 'StringNotLike', 'Null',
]);

/**
 * Assumption: JSON numbers and booleans in a policy compare as their text. AWS's own examples write
 * both forms (`{"Bool": {"aws:MultiFactorAuthPresent": true}}` in botocore sts/2011-06-15/service-2.json,
 * AssumeRole documentation) but no page says how they compare.
 */
function asList(value: unknown, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new Error(`trust policy: ${what} must be a string or a list of strings`);
  });
}

function parsePrincipal(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (principal && typeof principal === 'object') {
    // "*" and {"AWS": "*"} mean all principals (reference_policies_elements_principal.html#principal-anonymous).
    // Service and Federated principals never match a caller the emulator knows; they stay inert
    // (Assumption: the emulator has no service or federated callers).
    const aws = (principal as Record<string, unknown>).AWS;
    return aws === undefined ? [] : asList(aws, 'Principal.AWS');
  }
  throw new Error('trust policy: Principal must be "*" or an object');
}

function parseConditions(condition: unknown): Statement['conditions'] {
  if (condition === undefined) return [];
  if (!condition || typeof condition !== 'object') throw new Error('trust policy: Condition must be an object');
  const out: Statement['conditions'] = [];
  for (const [operator, block] of Object.entries(condition)) {
    const base = operator.endsWith('IfExists') ? operator.slice(0, -'IfExists'.length) : operator;
    if (!OPERATORS.has(base)) throw new Error(`trust policy: the emulator does not model condition operator ${operator}`);
    if (!block || typeof block !== 'object') throw new Error(`trust policy: Condition.${operator} must be an object`);
    for (const [key, values] of Object.entries(block)) out.push({ operator, key, values: asList(values, `Condition.${operator}.${key}`) });
  }
  return out;
}

/**
 * Validates and normalises a policy document; throws a plain Error on anything the emulator cannot
 * judge: answered 400 by the admin API, MalformedPolicyDocument by the IAM API's CreateRole and
 * UpdateAssumeRolePolicy (iam/operations.ts; Assumption: with these messages, not IAM's own texts).
 */
export function parseTrustPolicy(document: object): TrustPolicy {
  const raw = (document as { Statement?: unknown }).Statement;
  if (raw === undefined) throw new Error('trust policy: Statement is required');
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((entry: unknown): Statement => {
    if (!entry || typeof entry !== 'object') throw new Error('trust policy: each Statement must be an object');
    const statement = entry as Record<string, unknown>;
    for (const key of Object.keys(statement)) {
      if (!STATEMENT_KEYS.has(key)) throw new Error(`trust policy: the emulator does not model the ${key} element`);
    }
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new Error('trust policy: Effect must be Allow or Deny');
    // "You must use the Principal element in resource-based policies ... The IAM resource-based policy
    // type is a role trust policy" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
    if (statement.Principal === undefined) throw new Error('trust policy: a trust policy statement needs a Principal');
    // The grammar requires an action block (Action or NotAction; reference_policies_grammar.html).
    if (statement.Action === undefined) throw new Error('trust policy: Action is required');
    return {
      effect: statement.Effect,
      principals: parsePrincipal(statement.Principal),
      actions: asList(statement.Action, 'Action'),
      conditions: parseConditions(statement.Condition),
    };
  });
  return { statements };
}

/**
 * `*` = any run of characters, `?` = one character (StringLike,
 * reference_policies_elements_condition_operators.html#Conditions_String). Actions use the same
 * matcher; the Action element documents `*` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html),
 * and Assumption: `?` works in actions as in StringLike.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function principalMatches(principal: string, caller: TrustCaller): boolean {
  if (principal === '*') return true;
  // An account principal (`arn:aws:iam::ACCT:root` or the bare id) delegates to the whole account, "does
  // not limit permissions to only the root user" (reference_policies_elements_principal.html#principal-accounts).
  // Assumption: the pattern also takes the malformed forms `arn:aws:iam::ACCT` and `ACCT:root`, which IAM
  // would refuse when the policy is saved.
  const rootAccount = /^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::root)?$/.exec(principal)?.[1];
  if (rootAccount) return rootAccount === caller.accountId;
  const role = parseRoleArn(principal);
  if (role) {
    // A role principal admits the role's sessions (reference_policies_elements_principal.html#principal-roles).
    // IAM pins it to the role's unique id when the policy is saved, so a deleted and re-created role no
    // longer matches (same page). Assumption: the emulator matches by account and name, so a re-created
    // role still matches, and the principal's path is ignored.
    const callerRole = parseRoleArn(caller.principalArn);
    return callerRole?.accountId === role.accountId && callerRole.roleName === role.roleName;
  }
  // User principals and assumed-role session principals (which must name one session) match exactly
  // (reference_policies_elements_principal.html#principal-users, #principal-sessions).
  return principal === caller.principalArn || principal === caller.arn;
}

/**
 * The request context. Key names are not case-sensitive
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
 * sts:ExternalId and sts:RoleSessionName: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_externalid
 * and #ck_rolesessionname; aws:PrincipalArn and aws:PrincipalAccount: reference_policies_condition-keys.html.
 * Assumption: every other key (aws:SourceIp, aws:PrincipalTag/..., aws:MultiFactorAuthPresent, ...) is
 * absent from the context, so positive operators on it fail and negated ones hold.
 */
function contextValue(key: string, request: TrustRequest): string | undefined {
  switch (key.toLowerCase()) {
    case 'sts:externalid': return request.externalId;
    case 'sts:rolesessionname': return request.roleSessionName;
    case 'aws:principalarn': return request.caller.principalArn;
    case 'aws:principalaccount': return request.caller.accountId;
    default: return undefined;
  }
}

function conditionHolds(condition: Statement['conditions'][number], request: TrustRequest): boolean {
  const value = contextValue(condition.key, request);
  // Null: true = the key is absent, false = present (reference_policies_elements_condition_operators.html#Conditions_Null).
  if (condition.operator === 'Null') return condition.values.some((v) => (v === 'true') === (value === undefined));
  const ifExists = condition.operator.endsWith('IfExists');
  const operator = ifExists ? condition.operator.slice(0, -'IfExists'.length) : condition.operator;
  const negated = operator.includes('Not');
  // IAM: a missing key fails positive operators and satisfies negated ones (and any ...IfExists)
  // (reference_policies_elements_condition_operators.html, introduction and #Conditions_IfExists).
  if (value === undefined) return ifExists || negated;
  const ignoreCase = operator.endsWith('IgnoreCase');
  const like = operator.startsWith('StringLike') || operator.startsWith('StringNotLike');
  // Several values for one key: OR for positive operators, AND (none may match) for negated ones
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html).
  // Case: StringEquals/StringLike are case-sensitive, ...IgnoreCase not (#Conditions_String).
  const anyMatch = condition.values.some((expected) =>
    like ? wildcardMatch(expected, value, false) : ignoreCase ? expected.toLowerCase() === value.toLowerCase() : expected === value,
  );
  return negated ? !anyMatch : anyMatch;
}

/**
 * Principal, Action and every condition must match; conditions are AND'ed
 * (reference_policies_multi-value-conditions.html). Action names are case-insensitive
 * (reference_policies_elements_action.html).
 */
function statementApplies(statement: Statement, request: TrustRequest): boolean {
  return (
    statement.principals.some((p) => principalMatches(p, request.caller)) &&
    statement.actions.some((a) => wildcardMatch(a, request.action, true)) &&
    statement.conditions.every((c) => conditionHolds(c, request))
  );
}

export function isAllowed(policy: TrustPolicy, request: TrustRequest): boolean {
  const applicable = policy.statements.filter((s) => statementApplies(s, request));
  return !applicable.some((s) => s.effect === 'Deny') && applicable.some((s) => s.effect === 'Allow');
}
