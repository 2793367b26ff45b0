/**
 * The authentication, throttling and server errors of the awsQuery services (STS and IAM), which
 * answer them alike. Codes and statuses: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 * and https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html unless a line says
 * otherwise. Assumption: the message texts are those STS and IAM send, as observed; the common-errors
 * pages describe each code but do not give the wire message.
 */
import { AwsServiceError } from '../errors.js';
import type { ServiceErrors } from '../service.js';

/** Assumption: observed text; CommonErrors.html says only "does not exist in our records". */
const TOKEN_INVALID = 'The security token included in the request is invalid.';

export const queryServiceErrors: ServiceErrors = {
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
  // STS and IAM throttle with code Throttling and HTTP 400, unlike the JSON services' 429: "Throttling:
  // Rate exceeded, status code: 400" (https://repost.aws/knowledge-center/iam-sts-throttling-error).
  throttled: () => new AwsServiceError('Throttling', 400, 'Rate exceeded'),
  // InternalFailure 500 (CommonErrors.html).
  internal: (message) => new AwsServiceError('InternalFailure', 500, message),
  // Code AccessDenied, as in "An error occurred (AccessDenied) when calling the ListRoles operation: User:
  // ... is not authorized to perform: iam:ListRoles ..." (https://aws.amazon.com/blogs/security/enhanced-access-denied-error-messages-with-policy-arns).
  // Assumption: HTTP 403, as STS and IAM answer it (observed; neither common-errors page lists the code).
  accessDenied: (message) => new AwsServiceError('AccessDenied', 403, message),
};
