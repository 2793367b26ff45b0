/** STS as the request pipeline sees it: routing by Action, its auth error codes, its operations. */
import { AwsServiceError } from '../errors.js';
import type { ServiceBinding } from '../service.js';
import { assumeRole, getCallerIdentity } from './operations.js';
import { errorReply, formParams } from './protocol.js';

const OPERATIONS = { AssumeRole: assumeRole, GetCallerIdentity: getCallerIdentity } as const;

function isOperation(action: string): action is keyof typeof OPERATIONS {
  return Object.hasOwn(OPERATIONS, action);
}

const TOKEN_INVALID = 'The security token included in the request is invalid.';

export const stsBinding: ServiceBinding = {
  signingName: 'sts',
  errors: {
    missingAuthentication: () => new AwsServiceError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token'),
    incompleteSignature: (message) => new AwsServiceError('IncompleteSignature', 400, message),
    unknownAccessKey: () => new AwsServiceError('InvalidClientTokenId', 403, TOKEN_INVALID),
    badSignature: (message) => new AwsServiceError('SignatureDoesNotMatch', 403, message),
    expiredToken: () => new AwsServiceError('ExpiredToken', 403, 'The security token included in the request is expired'),
    // STS throttles with code Throttling and HTTP 400, unlike the JSON services' 429.
    throttled: () => new AwsServiceError('Throttling', 400, 'Rate exceeded'),
    internal: (message) => new AwsServiceError('InternalFailure', 500, message),
  },
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
