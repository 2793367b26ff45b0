/**
 * Permission policies: a role's inline (identity-based) policies, and an account's service control
 * policies (SCPs) and resource control policies (RCPs). Parsed when stored, evaluated per request
 * after IAM's evaluation logic: an explicit Deny wins, otherwise an Allow must match, otherwise the
 * request is implicitly denied (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Elements: Sid, Effect, Action / NotAction, Resource / NotResource
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html). Anything the
 * emulator cannot judge (Condition, policy variables) is refused when the policy is stored, so a policy
 * it cannot judge never silently admits a request, nor silently fails to deny one.
 */
import { wildcardMatch } from './trust-policy.js';

export type PolicyKind = 'identity' | 'scp' | 'rcp';

interface Statement {
  effect: 'Allow' | 'Deny';
  /** Exactly one of actions / notActions. */
  actions?: string[];
  notActions?: string[];
  /** Exactly one of resources / notResources. */
  resources?: string[];
  notResources?: string[];
}

export interface PermissionPolicy {
  statements: Statement[];
}

/**
 * A policy the emulator refuses to store. The IAM API answers it as MalformedPolicyDocument (HTTP 400,
 * botocore iam/2010-05-08/service-2.json, MalformedPolicyDocumentException: "The error message describes
 * the specific error"); the admin API with 400.
 */
export class MalformedPolicyError extends Error {}

/**
 * IAM takes policy documents as JSON text (botocore iam/2010-05-08/service-2.json, policyDocumentType).
 * Assumption: the message for text that is not JSON is IAM's observed "This policy contains invalid Json"
 * (e.g. https://github.com/AWSCookbook/Security/issues/2).
 */
export function parsePolicyText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedPolicyError('This policy contains invalid Json');
  }
}

/** "2012-10-17" and the older "2008-10-17" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html). */
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

function stringList(value: unknown, element: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item): item is string => typeof item === 'string' && item !== '')) {
    throw new MalformedPolicyError(`${element} must be a non-empty string or a non-empty list of them`);
  }
  return list;
}

/**
 * `*`, or `service-prefix:action` where the action may hold wildcards
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
 * Assumption: IAM's observed message for an action without a prefix.
 */
function actionList(value: unknown, element: string): string[] {
  const list = stringList(value, element);
  for (const action of list) {
    if (action !== '*' && !/^[A-Za-z0-9*?-]+:[^:]+$/.test(action)) {
      throw new MalformedPolicyError('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    }
  }
  return list;
}

/**
 * Resources are ARNs or `*`, with `*` and `?` wildcards (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 * Policy variables (`${aws:username}`, same page) are not modelled: refused, since matched literally
 * they would make a Deny silently miss.
 */
function resourceList(value: unknown, element: string): string[] {
  const list = stringList(value, element);
  if (list.some((resource) => resource.includes('${'))) {
    throw new MalformedPolicyError(`the emulator does not model policy variables in ${element}`);
  }
  return list;
}

function parseStatement(entry: unknown, kind: PolicyKind): Statement {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new MalformedPolicyError('each Statement must be an object');
  const statement = entry as Record<string, unknown>;
  for (const key of Object.keys(statement)) {
    if (!STATEMENT_KEYS.has(key)) throw new MalformedPolicyError(`Statement has an unknown element ${key}`);
  }
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new MalformedPolicyError('Effect must be Allow or Deny');
  // "You cannot use the Principal element in an identity-based policy"
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html); IAM's
  // answer, observed: "Policy document should not specify a principal."
  // (https://github.com/hashicorp/terraform/issues/13449). RCPs take only "*" as their principal
  // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html).
  // Assumption: SCPs are refused a principal too, and an RCP's principal may also be written {"AWS": "*"}.
  if (statement.NotPrincipal !== undefined || (statement.Principal !== undefined && kind !== 'rcp')) {
    throw new MalformedPolicyError('Policy document should not specify a principal.');
  }
  if (kind === 'rcp' && statement.Principal !== undefined && statement.Principal !== '*'
      && JSON.stringify(statement.Principal) !== JSON.stringify({ AWS: '*' })) {
    throw new MalformedPolicyError('a resource control policy takes only "*" as its Principal');
  }
  // "The effect of Allow is only supported for the RCPFullAWSAccess policy" (orgs_manage_policies_rcps_syntax.html);
  // the emulator holds that default implicitly (authorization.ts), so an attached RCP may only deny.
  if (kind === 'rcp' && statement.Effect === 'Allow') throw new MalformedPolicyError('a resource control policy may only Deny (RCPFullAWSAccess is implied)');
  // Assumption: conditions are not modelled in permission policies, SCPs or RCPs; refused rather than
  // ignored, so that a policy the emulator cannot judge never admits (or fails to deny) a request.
  if (statement.Condition !== undefined) {
    throw new MalformedPolicyError('the emulator does not model Condition in permission policies (only in role trust policies); remove it or test against AWS');
  }
  // An action block (Action or NotAction) is required, and not both (reference_policies_grammar.html).
  if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
    throw new MalformedPolicyError('a Statement needs exactly one of Action and NotAction');
  }
  // "Statements must include either a Resource or a NotResource element" (reference_policies_elements_resource.html).
  // Assumption: an SCP or RCP statement without either covers every resource (as "*").
  if (statement.Resource !== undefined && statement.NotResource !== undefined) {
    throw new MalformedPolicyError('a Statement can have Resource or NotResource, not both');
  }
  const noResource = statement.Resource === undefined && statement.NotResource === undefined;
  if (noResource && kind === 'identity') throw new MalformedPolicyError('Missing required field Resource');
  return {
    effect: statement.Effect,
    ...(statement.Action !== undefined ? { actions: actionList(statement.Action, 'Action') } : { notActions: actionList(statement.NotAction, 'NotAction') }),
    ...(noResource ? { resources: ['*'] }
      : statement.Resource !== undefined ? { resources: resourceList(statement.Resource, 'Resource') }
      : { notResources: resourceList(statement.NotResource, 'NotResource') }),
  };
}

/** Validates and normalises a policy document; throws MalformedPolicyError on anything the emulator cannot judge. */
export function parsePermissionPolicy(document: unknown, kind: PolicyKind): PermissionPolicy {
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw new MalformedPolicyError('a policy document must be a JSON object');
  const { Version: version, Statement: raw, ...rest } = document as Record<string, unknown>;
  // Assumption: Id is accepted and ignored; any other top-level element is refused.
  const unknown = Object.keys(rest).filter((key) => key !== 'Id');
  if (unknown.length > 0) throw new MalformedPolicyError(`the policy has an unknown element ${unknown[0]}`);
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.has(version))) {
    throw new MalformedPolicyError('The policy must contain a valid version string');
  }
  if (raw === undefined) throw new MalformedPolicyError('Missing required field Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new MalformedPolicyError('Missing required field Statement');
  return { statements: list.map((entry) => parseStatement(entry, kind)) };
}

/**
 * Action names are not case-sensitive (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html);
 * resource ARNs are matched case-sensitively, `*` and `?` as wildcards (reference_policies_elements_resource.html).
 * Assumption: a `*` may span ARN segments (the guide speaks of wildcards within a segment; a pattern
 * that spans segments is then more lenient here than in AWS).
 */
function statementApplies(statement: Statement, action: string, resource: string): boolean {
  const actionMatches = statement.actions
    ? statement.actions.some((pattern) => wildcardMatch(pattern, action, true))
    : !statement.notActions!.some((pattern) => wildcardMatch(pattern, action, true));
  const resourceMatches = statement.resources
    ? statement.resources.some((pattern) => wildcardMatch(pattern, resource, false))
    : !statement.notResources!.some((pattern) => wildcardMatch(pattern, resource, false));
  return actionMatches && resourceMatches;
}

export type Verdict = 'explicit-deny' | 'allow' | 'implicit-deny';

/** "An explicit deny in any policy overrides any allows" (reference_policies_evaluation-logic.html). */
export function evaluate(policies: Iterable<PermissionPolicy>, action: string, resource: string): Verdict {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.statements) {
      if (!statementApplies(statement, action, resource)) continue;
      if (statement.effect === 'Deny') return 'explicit-deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}
