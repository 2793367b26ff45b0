/**
 * Evaluation of a role's trust policy for sts:AssumeRole, after IAM's policy evaluation logic:
 * an explicit Deny wins, otherwise any matching Allow admits, otherwise the request is denied.
 * Only the elements the broker's roles use are modelled; anything else is refused when the role is
 * stored (parseTrustPolicy), so a policy the emulator cannot judge never silently admits a caller.
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

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Condition']);
const OPERATORS = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase',
  'StringLike', 'StringNotLike', 'Null',
]);

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
    // Service and Federated principals never match a caller the emulator knows; they stay inert.
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

/** Validates and normalises a policy document; throws on anything the emulator cannot judge. */
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
    if (statement.Principal === undefined) throw new Error('trust policy: a trust policy statement needs a Principal');
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

function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function principalMatches(principal: string, caller: TrustCaller): boolean {
  if (principal === '*') return true;
  const rootAccount = /^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::root)?$/.exec(principal)?.[1];
  if (rootAccount) return rootAccount === caller.accountId;
  const role = parseRoleArn(principal);
  if (role) {
    // A role principal admits the role's sessions; IAM stores it by unique id, so the path is moot.
    const callerRole = parseRoleArn(caller.principalArn);
    return callerRole?.accountId === role.accountId && callerRole.roleName === role.roleName;
  }
  return principal === caller.principalArn || principal === caller.arn;
}

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
  if (condition.operator === 'Null') return condition.values.some((v) => (v === 'true') === (value === undefined));
  const ifExists = condition.operator.endsWith('IfExists');
  const operator = ifExists ? condition.operator.slice(0, -'IfExists'.length) : condition.operator;
  const negated = operator.includes('Not');
  // IAM: a missing key fails positive operators and satisfies negated ones (and any ...IfExists).
  if (value === undefined) return ifExists || negated;
  const ignoreCase = operator.endsWith('IgnoreCase');
  const like = operator.startsWith('StringLike') || operator.startsWith('StringNotLike');
  const anyMatch = condition.values.some((expected) =>
    like ? wildcardMatch(expected, value, false) : ignoreCase ? expected.toLowerCase() === value.toLowerCase() : expected === value,
  );
  return negated ? !anyMatch : anyMatch;
}

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
