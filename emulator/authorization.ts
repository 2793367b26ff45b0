/**
 * Whether a caller may perform an action on the resources an operation acts on, after IAM's policy
 * evaluation logic (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any applicable policy denies; otherwise the caller's identity-based policies
 * must allow. Policies evaluated here:
 * - the service control policies of the caller's account, for every caller (users and long-term role
 *   keys included);
 * - the resource control policies of the resource's account, for the services RCPs apply to;
 * - for role sessions only, the role's inline permission policies (roles.ts). Assumption: long-term keys
 *   are not evaluated against identity-based policies (identity.ts), nor are roles the admin API marked
 *   `unrestricted`.
 * Not modelled: managed policies, permissions boundaries, session policies, resource-based policies
 * other than the role trust policy (sts/operations.ts), and the cross-account rule that the resource's
 * account must also allow (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 *
 * Denials are worded as https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 * gives them: "User: <caller ARN> is not authorized to perform: <action> on resource: <resource>",
 * then "because no identity-based policy allows the <action> action" (implicit) or "with an explicit
 * deny in a(n) <type> policy" (explicit). Assumption: the type "resource control policy" follows that
 * template (the page's examples name identity-based, service control, permissions boundary, session,
 * VPC endpoint and resource-based policies); AWS now appends the denying policy's ARN for SCPs and RCPs
 * in the same organization (https://aws.amazon.com/blogs/security/enhanced-access-denied-error-messages-with-policy-arns),
 * which the emulator, without an organization, leaves out; inline policies have no ARN.
 */
import { arnAccount } from './arn.js';
import type { Caller } from './identity.js';
import { evaluate } from './permission-policy.js';
import type { AuthorizationRequest } from './service.js';
import type { EmulatorState } from './state.js';

/**
 * The emulated services whose resources RCPs govern. The list of services RCPs apply to names Amazon S3,
 * AWS STS, AWS KMS, Amazon SQS, AWS Secrets Manager, Amazon ECR, OpenSearch Serverless, Amazon Cognito
 * and CloudWatch Logs (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services):
 * of the emulated services only STS. Neither IAM nor Security Hub is on it, so an RCP never affects
 * their calls.
 */
const RCP_SERVICES = new Set(['sts']);

function denied(caller: Caller, action: string, resource: string, context: string): string {
  return `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${context}`;
}

/**
 * The identity-based verdict for a role session: its role's inline policies, looked up on every
 * request, so policy changes apply to existing sessions at once. Assumption: at once; IAM applies
 * changes with eventual consistency. A session whose role was deleted (or deleted and re-created) has
 * no policies, so it is denied everything.
 */
function identityVerdict(state: EmulatorState, caller: Caller, action: string, resource: string): 'allow' | 'explicit-deny' | 'implicit-deny' {
  const session = caller.session!;
  const role = state.roles.get(session.accountId, session.roleName);
  const current = role?.roleId === session.roleId ? role : undefined;
  if (current?.unrestricted) return 'allow';
  return evaluate([...(current?.permissionPolicies.values() ?? [])].map((p) => p.policy), action, resource);
}

/**
 * Undefined when every resource is allowed, otherwise the denial message for the first resource (in
 * the request's order) that is not. Assumption: when several policy types deny, the message names the
 * first in the order SCP, RCP, identity-based policy; AWS names "only one of those policy types" (above)
 * without saying which.
 */
export function authorize(state: EmulatorState, caller: Caller, request: AuthorizationRequest): string | undefined {
  const { action } = request;
  const service = action.slice(0, action.indexOf(':'));
  for (const resource of request.resources) {
    if (evaluate(state.organizationPolicies.serviceControlPolicies(caller.accountId), action, resource) === 'explicit-deny') {
      return denied(caller, action, resource, 'with an explicit deny in a service control policy');
    }
    const owner = arnAccount(resource);
    if (RCP_SERVICES.has(service) && owner !== undefined
        && evaluate(state.organizationPolicies.resourceControlPolicies(owner), action, resource) === 'explicit-deny') {
      return denied(caller, action, resource, 'with an explicit deny in a resource control policy');
    }
    if (!caller.session) continue;
    const verdict = identityVerdict(state, caller, action, resource);
    if (verdict === 'explicit-deny') return denied(caller, action, resource, 'with an explicit deny in an identity-based policy');
    if (verdict === 'implicit-deny') return denied(caller, action, resource, `because no identity-based policy allows the ${action} action`);
  }
  return undefined;
}
