/**
 * IAM as the request pipeline sees it: awsQuery like STS (same error codes for authentication,
 * throttling and server faults, ../query/errors.ts; https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html),
 * signing name `iam` (botocore iam/2010-05-08/service-2.json, metadata.endpointPrefix / signatureVersion v4).
 * IAM is a global service with one endpoint, iam.amazonaws.com (model, metadata.globalEndpoint),
 * whose requests are signed for us-east-1 (the aws partition's endpoints carry authSchemes sigv4
 * signingRegion "us-east-1", botocore iam/2010-05-08/endpoint-rule-set-1.json); a scope naming another
 * Region is refused as SignatureDoesNotMatch (sigv4.ts).
 */
import { roleArn } from '../arn.js';
import { AwsServiceError } from '../errors.js';
import type { HttpReply } from '../http-io.js';
import { queryServiceErrors } from '../query/errors.js';
import type { OperationContext, ServiceBinding } from '../service.js';
import {
  createRole, deleteRole, deleteRolePolicy, getRole, getRolePolicy, listRolePolicies, putRolePolicy, updateAssumeRolePolicy,
} from './operations.js';
import { errorReply, formParams } from './protocol.js';

const OPERATIONS: Record<string, (context: OperationContext) => HttpReply> = {
  CreateRole: createRole,
  GetRole: getRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  ListRolePolicies: listRolePolicies,
  DeleteRolePolicy: deleteRolePolicy,
  DeleteRole: deleteRole,
};

/** Assumption: the text, as for STS's InvalidAction (CommonErrors.html gives the code only). */
function invalidAction(action: string | undefined): AwsServiceError {
  return new AwsServiceError('InvalidAction', 400, `Could not find operation ${action ?? '(none)'} for version 2010-05-08`);
}

export const iamBinding: ServiceBinding = {
  signingName: 'iam',
  signingRegion: 'us-east-1',
  errors: queryServiceErrors,
  /** The Action parameter (awsQuery); only the role operations above exist here (Assumption). */
  route(request) {
    const action = formParams(request).get('Action');
    return action !== undefined && Object.hasOwn(OPERATIONS, action) ? action : invalidAction(action);
  },
  /**
   * Every role operation is authorised as `iam:<Operation>` on the role, resource type `role`,
   * `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html):
   * the caller's account, the role's path (CreateRole: the Path asked for). A request without a
   * RoleName is left to the operation's validation.
   */
  authorization(operation, context) {
    const params = formParams(context.request);
    const roleName = params.get('RoleName');
    if (!roleName) return undefined;
    const { accountId } = context.caller;
    const existing = context.state.roles.get(accountId, roleName);
    const path = operation === 'CreateRole' ? params.get('Path') ?? '/' : existing?.path ?? '/';
    return { action: `iam:${operation}`, resources: [roleArn(accountId, roleName, path)] };
  },
  async invoke(operation, context) {
    const handler = OPERATIONS[operation];
    if (!handler) throw invalidAction(operation);
    return handler(context);
  },
  renderError: errorReply,
};
