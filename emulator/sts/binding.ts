/**
 * STS as the request pipeline sees it: routing by Action, its auth error codes, its operations.
 * Codes and statuses: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html unless a
 * line says otherwise. Assumption: the message texts are those STS sends, as observed; the common-errors
 * page describes each code but does not give the wire message.
 */
import { AwsServiceError } from '../errors.js';
import type { ServiceBinding } from '../service.js';
import { assumeRole, getCallerIdentity } from './operations.js';
import { errorReply, formParams } from './protocol.js';

const OPERATIONS = { AssumeRole: assumeRole, GetCallerIdentity: getCallerIdentity } as const;

function isOperation(action: string): action is keyof typeof OPERATIONS {
  return Object.hasOwn(OPERATIONS, action);
}

/** Assumption: observed STS text; CommonErrors.html says only "does not exist in our records". */
const TOKEN_INVALID = 'The security token included in the request is invalid.';

export const stsBinding: ServiceBinding = {
  signingName: 'sts',
  errors: {
    // MissingAuthenticationToken 403, IncompleteSignature 400, InvalidClientTokenId 403 (CommonErrors.html).
    missingAuthentication: () => new AwsServiceError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token'),
    incompleteSignature: (message) => new AwsServiceError('IncompleteSignature', 400, message),
    unknownAccessKey: () => new AwsServiceError('InvalidClientTokenId', 403, TOKEN_INVALID),
    // "HTTP 403 SignatureDoesNotMatch" (https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html).
    badSignature: (message) => new AwsServiceError('SignatureDoesNotMatch', 403, message),
    // Code ExpiredToken and its message: https://aws.amazon.com/premiumsupport/knowledge-center/sts-iam-token-expired/.
    // Two AWS sources differ: botocore sts/2011-06-15/service-2.json lists ExpiredTokenException (HTTP
    // 400) for AssumeRole, but documents it as "The web identity token that was passed is expired",
    // a parameter of AssumeRoleWithWebIdentity, not the request's own credentials. The code follows the
    // knowledge-center page for expired session credentials. Assumption: HTTP 403, as observed.
    expiredToken: () => new AwsServiceError('ExpiredToken', 403, 'The security token included in the request is expired'),
    // STS throttles with code Throttling and HTTP 400, unlike the JSON services' 429: "Throttling: Rate
    // exceeded, status code: 400" (https://repost.aws/knowledge-center/iam-sts-throttling-error).
    throttled: () => new AwsServiceError('Throttling', 400, 'Rate exceeded'),
    // InternalFailure 500 (CommonErrors.html).
    internal: (message) => new AwsServiceError('InternalFailure', 500, message),
  },
  /**
   * awsQuery names the operation in the Action parameter
   * (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html); an unknown one is InvalidAction 400
   * (CommonErrors.html). Assumption: the message text, and that only AssumeRole and GetCallerIdentity
   * exist (other STS operations answer InvalidAction here although AWS has them).
   */
  route(request) {
    const action = formParams(request).get('Action');
    if (action !== undefined && isOperation(action)) return action;
    return new AwsServiceError('InvalidAction', 400, `Could not find operation ${action ?? '(none)'} for version 2011-06-15`);
  },
  async invoke(operation, context) {
    if (!isOperation(operation)) throw new AwsServiceError('InvalidAction', 400, `Could not find operation ${operation} for version 2011-06-15`);
    return OPERATIONS[operation](context);
  },
  renderError: errorReply,
};
