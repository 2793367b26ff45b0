/**
 * STS as the request pipeline sees it: routing by Action, its auth error codes (shared with IAM,
 * ../query/errors.ts), what each operation is authorised on, its operations.
 */
import { AwsServiceError } from '../errors.js';
import { queryServiceErrors } from '../query/errors.js';
import type { ServiceBinding } from '../service.js';
import { assumeRole, getCallerIdentity } from './operations.js';
import { errorReply, formParams } from './protocol.js';

const OPERATIONS = { AssumeRole: assumeRole, GetCallerIdentity: getCallerIdentity } as const;

function isOperation(action: string): action is keyof typeof OPERATIONS {
  return Object.hasOwn(OPERATIONS, action);
}

export const stsBinding: ServiceBinding = {
  signingName: 'sts',
  errors: queryServiceErrors,
  /**
   * awsQuery names the operation in the Action parameter
   * (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html); an unknown one is InvalidAction 400
   * (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). Assumption: the message
   * text, and that only AssumeRole and GetCallerIdentity exist (other STS operations answer
   * InvalidAction here although AWS has them).
   */
  route(request) {
    const action = formParams(request).get('Action');
    if (action !== undefined && isOperation(action)) return action;
    return new AwsServiceError('InvalidAction', 400, `Could not find operation ${action ?? '(none)'} for version 2011-06-15`);
  },
  /**
   * AssumeRole is authorised as sts:AssumeRole on the role's ARN (resource type `role`,
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html);
   * for a role session that is role chaining, judged by the session role's permission policies. A
   * request without a RoleArn is left to the operation's validation. GetCallerIdentity: "No permissions
   * are required to perform this operation" (botocore sts/2011-06-15/service-2.json, GetCallerIdentity),
   * so not even an SCP can deny it.
   */
  authorization(operation, context) {
    if (operation !== 'AssumeRole') return undefined;
    const roleArn = formParams(context.request).get('RoleArn');
    return roleArn ? { action: 'sts:AssumeRole', resources: [roleArn] } : undefined;
  },
  async invoke(operation, context) {
    if (!isOperation(operation)) throw new AwsServiceError('InvalidAction', 400, `Could not find operation ${operation} for version 2011-06-15`);
    return OPERATIONS[operation](context);
  },
  faultRoleArn(operation, request) {
    return operation === 'AssumeRole' ? formParams(request).get('RoleArn') : undefined;
  },
  renderError: errorReply,
};
