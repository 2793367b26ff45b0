/**
 * Security Hub as the request pipeline sees it. Its authentication errors are those of AWS's JSON
 * service front end (UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException),
 * which differ from STS's query-protocol codes for the same failures.
 */
import { AwsServiceError } from '../errors.js';
import { hubArn } from '../arn.js';
import type { HttpReply } from '../http-io.js';
import type { AuthorizationRequest, OperationContext, ServiceBinding } from '../service.js';
import { batchUpdateFindings } from './batch-update-findings.js';
import { getFindings } from './get-findings.js';
import {
  describeHub, disableImportFindingsForProduct, disableSecurityHub, enableImportFindingsForProduct,
  enableSecurityHub, listEnabledProductsForImport,
} from './hub-operations.js';
import { batchImportFindings } from './import-findings.js';
import { errorReply, jsonBody, routeOperation, throttled } from './protocol.js';

const OPERATIONS: Record<string, (context: OperationContext) => HttpReply> = {
  BatchImportFindings: batchImportFindings,
  GetFindings: getFindings,
  BatchUpdateFindings: batchUpdateFindings,
  DescribeHub: describeHub,
  EnableSecurityHub: enableSecurityHub,
  DisableSecurityHub: disableSecurityHub,
  ListEnabledProductsForImport: listEnabledProductsForImport,
  EnableImportFindingsForProduct: enableImportFindingsForProduct,
  DisableImportFindingsForProduct: disableImportFindingsForProduct,
};

/**
 * The resource each operation is authorised on, per the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecurityhub.html), action
 * `securityhub:<Operation>`:
 * - BatchImportFindings: resource type `product` (required), `arn:${Partition}:securityhub:${Region}:${Account}:product/${Company}/${ProductId}`:
 *   each distinct ProductArn of the findings, in order of first appearance; one refused product fails the
 *   whole call (Assumption: the reference does not say how a batch naming several products is judged).
 *   Findings without a string ProductArn name no resource (they fail InvalidInput, nothing of theirs is
 *   imported); a call none of whose findings names one is not authorised at all (Assumption).
 * - DescribeHub, GetFindings, BatchUpdateFindings, EnableSecurityHub, DisableSecurityHub,
 *   ListEnabledProductsForImport, EnableImportFindingsForProduct, DisableImportFindingsForProduct: resource
 *   type `hub`, `arn:${Partition}:securityhub:${Region}:${Account}:hub/default`, of the caller's account in
 *   the request's Region. The reference lists `hub` for ListEnabledProductsForImport too (not "*");
 *   a policy granting it on "*" matches the hub ARN as well.
 */
function authorization(operation: string, context: OperationContext): AuthorizationRequest {
  const action = `securityhub:${operation}`;
  if (operation !== 'BatchImportFindings') return { action, resources: [hubArn(context.region, context.caller.accountId)] };
  const findings = jsonBody(context.request).Findings;
  const products = Array.isArray(findings)
    ? findings.map((f: unknown) => (f && typeof f === 'object' ? (f as Record<string, unknown>).ProductArn : undefined))
    : [];
  return { action, resources: [...new Set(products.filter((arn): arn is string => typeof arn === 'string'))] };
}

export const securityHubBinding: ServiceBinding = {
  signingName: 'securityhub',
  errors: {
    missingAuthentication: () => new AwsServiceError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token'),
    incompleteSignature: (message) => new AwsServiceError('IncompleteSignatureException', 400, message),
    unknownAccessKey: () => new AwsServiceError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.'),
    badSignature: (message) => new AwsServiceError('InvalidSignatureException', 403, message),
    expiredToken: () => new AwsServiceError('ExpiredTokenException', 403, 'The security token included in the request is expired'),
    throttled,
    internal: (message) => new AwsServiceError('InternalException', 500, message),
    // AccessDeniedException, HTTP 403 (botocore securityhub/2018-10-26/service-2.json, AccessDeniedException,
    // error httpStatusCode 403); the message is IAM's (authorization.ts).
    accessDenied: (message) => new AwsServiceError('AccessDeniedException', 403, message),
  },
  route: routeOperation,
  authorization(operation, context) {
    const wanted = authorization(operation, context);
    return wanted.resources.length > 0 ? wanted : undefined;
  },
  async invoke(operation, context) {
    const handler = OPERATIONS[operation];
    if (!handler) throw new AwsServiceError('UnknownOperationException', 404, `Unknown operation ${operation}`);
    return handler(context);
  },
  renderError: errorReply,
};
