/**
 * Hub and product-subscription operations: DescribeHub, EnableSecurityHub, DisableSecurityHub,
 * ListEnabledProductsForImport, EnableImportFindingsForProduct, DisableImportFindingsForProduct.
 * All act on the caller's account in the request's Region. Operations, routes and error shapes follow
 * botocore securityhub/2018-10-26/service-2.json (each operation's `errors`; InvalidAccessException is
 * HTTP 401, ResourceNotFoundException 404, ResourceConflictException 409, InvalidInputException 400).
 * Assumption: the message texts, which no AWS page lists.
 */
import { parseProductArn } from '../arn.js';
import { AwsServiceError } from '../errors.js';
import type { HttpReply } from '../http-io.js';
import { queryParams } from '../http-io.js';
import type { OperationContext } from '../service.js';
import { maxResults, paginate } from './pagination.js';
import { invalidInput, jsonBody, ok, subscriptionArnFromPath } from './protocol.js';

/**
 * AWS's answer to any operation but BatchImportFindings when Security Hub is not enabled in the account
 * and Region: InvalidAccessException (HTTP 401 per the model; "The account doesn't have permission to
 * perform this action"). Assumption: the message text, the wording users commonly report from the
 * live service; no AWS page lists it.
 */
export function requireHub(context: OperationContext): void {
  if (!context.state.hubs.hub(context.caller.accountId, context.region)) {
    throw new AwsServiceError('InvalidAccessException', 401, `Account ${context.caller.accountId} is not subscribed to AWS Security Hub`);
  }
}

export function describeHub(context: OperationContext): HttpReply {
  requireHub(context);
  const hub = context.state.hubs.hub(context.caller.accountId, context.region)!;
  const requested = queryParams(context.request.query).get('HubArn');
  if (requested !== undefined && requested !== hub.hubArn) throw new AwsServiceError('ResourceNotFoundException', 404, `Hub ${requested} not found`);
  return ok({ HubArn: hub.hubArn, SubscribedAt: hub.subscribedAt, AutoEnableControls: true, ControlFindingGenerator: 'SECURITY_CONTROL' }, context.requestId);
}

export function enableSecurityHub(context: OperationContext): HttpReply {
  jsonBody(context.request);
  const { accountId } = context.caller;
  if (context.state.hubs.hub(accountId, context.region)) {
    throw new AwsServiceError('ResourceConflictException', 409, `Account ${accountId} is already subscribed to Security Hub`);
  }
  context.state.enableHub(accountId, context.region);
  return ok({}, context.requestId);
}

export function disableSecurityHub(context: OperationContext): HttpReply {
  requireHub(context);
  context.state.disableHub(context.caller.accountId, context.region);
  return ok({}, context.requestId);
}

export function listEnabledProductsForImport(context: OperationContext): HttpReply {
  requireHub(context);
  const params = queryParams(context.request.query);
  const arns = context.state.hubs.subscriptionArns(context.caller.accountId, context.region);
  const page = paginate(arns, 'ListEnabledProductsForImport', params.get('NextToken'), maxResults(params.get('MaxResults')));
  return ok({ ProductSubscriptions: page.items, NextToken: page.nextToken }, context.requestId);
}

export function enableImportFindingsForProduct(context: OperationContext): HttpReply {
  requireHub(context);
  const productArn = jsonBody(context.request).ProductArn;
  if (typeof productArn !== 'string' || !parseProductArn(productArn)) throw invalidInput(`Invalid ProductArn: ${String(productArn)}`);
  if (parseProductArn(productArn)!.region !== context.region) {
    throw invalidInput(`Product ${productArn} is not available in Region ${context.region}`);
  }
  const { accountId } = context.caller;
  if (context.state.hubs.isSubscribed(accountId, context.region, productArn)) {
    throw new AwsServiceError('ResourceConflictException', 409, `Account ${accountId} is already subscribed to product ${productArn}`);
  }
  const subscriptionArn = context.state.hubs.subscribe(accountId, context.region, productArn);
  return ok({ ProductSubscriptionArn: subscriptionArn }, context.requestId);
}

export function disableImportFindingsForProduct(context: OperationContext): HttpReply {
  requireHub(context);
  const arn = subscriptionArnFromPath(context.request);
  if (!context.state.hubs.subscriptionArns(context.caller.accountId, context.region).includes(arn)) {
    throw new AwsServiceError('ResourceNotFoundException', 404, `Product subscription ${arn} not found`);
  }
  context.state.hubs.unsubscribe(context.caller.accountId, context.region, arn);
  return ok({}, context.requestId);
}
