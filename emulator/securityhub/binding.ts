/**
 * Security Hub as the request pipeline sees it. Its authentication errors are those of AWS's JSON
 * service front end (UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException),
 * which differ from STS's query-protocol codes for the same failures.
 */
import { AwsServiceError } from '../errors.js';
import type { HttpReply } from '../http-io.js';
import type { OperationContext, ServiceBinding } from '../service.js';
import { batchUpdateFindings } from './batch-update-findings.js';
import { getFindings } from './get-findings.js';
import {
  describeHub, disableImportFindingsForProduct, disableSecurityHub, enableImportFindingsForProduct,
  enableSecurityHub, listEnabledProductsForImport,
} from './hub-operations.js';
import { batchImportFindings } from './import-findings.js';
import { errorReply, routeOperation, throttled } from './protocol.js';

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
  },
  route: routeOperation,
  async invoke(operation, context) {
    const handler = OPERATIONS[operation];
    if (!handler) throw new AwsServiceError('UnknownOperationException', 404, `Unknown operation ${operation}`);
    return handler(context);
  },
  renderError: errorReply,
};
