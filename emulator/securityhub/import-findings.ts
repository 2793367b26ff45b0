/**
 * BatchImportFindings, in the order Security Hub applies its rules: throttling per account+Region,
 * whole-request limits, hub enabled, product-subscription authorization for every finding (one
 * misfit fails the whole call), then per-finding ASFF checks that fail single findings with 200.
 */
import { isDefaultProductOf, parseProductArn } from '../arn.js';
import { AwsServiceError } from '../errors.js';
import type { HttpReply } from '../http-io.js';
import type { OperationContext } from '../service.js';
import type { Finding } from '../types.js';
import { findingProblems } from './finding-checks.js';
import { requireHub } from './hub-operations.js';
import { invalidInput, jsonBody, ok } from './protocol.js';

const MAX_FINDINGS_PER_CALL = 100;
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

interface FailedFinding {
  Id: string;
  ErrorCode: string;
  ErrorMessage: string;
}

function readFindings(context: OperationContext): unknown[] {
  if (context.request.body.length > MAX_REQUEST_BYTES) {
    throw invalidInput(`Request size ${context.request.body.length} bytes exceeds the maximum of ${MAX_REQUEST_BYTES} bytes`);
  }
  const findings = jsonBody(context.request).Findings;
  if (!Array.isArray(findings)) throw invalidInput("Invalid parameter 'Findings': a list of findings is required");
  if (findings.length < 1 || findings.length > MAX_FINDINGS_PER_CALL) {
    throw invalidInput(`Invalid parameter 'Findings': between 1 and ${MAX_FINDINGS_PER_CALL} findings are allowed per request, got ${findings.length}`);
  }
  return findings;
}

/**
 * Why the caller may not import this finding, or undefined when a product subscription covers it:
 * the finding's account must subscribe to its product (in the product's Region), and the caller must
 * be that account or the product's own account. An account's default product needs no subscription.
 */
function authorizationProblem(context: OperationContext, finding: Record<string, unknown>): string | undefined {
  const { ProductArn: productArn, AwsAccountId: accountId } = finding;
  const product = typeof productArn === 'string' ? parseProductArn(productArn) : undefined;
  // Malformed ProductArn or AwsAccountId is an ASFF problem, answered per finding, not here.
  if (!product || typeof accountId !== 'string' || !/^\d{12}$/.test(accountId)) return undefined;
  const caller = context.caller.accountId;
  if (isDefaultProductOf(productArn as string, caller)) return undefined;
  if (!context.state.hubs.isSubscribed(accountId, product.region, productArn as string)) {
    return `account ${accountId} has no subscription to product ${productArn} in ${product.region}`;
  }
  if (caller !== accountId && caller !== product.accountId) {
    return `account ${caller} is neither the finding's account ${accountId} nor the account of product ${productArn}`;
  }
  return undefined;
}

export function batchImportFindings(context: OperationContext): HttpReply {
  const { state, caller, region } = context;
  if (!state.importBuckets.take(`${caller.accountId}|${region}`)) {
    throw new AwsServiceError('TooManyRequestsException', 429, 'Rate exceeded');
  }
  const findings = readFindings(context);
  requireHub(context);
  for (const finding of findings) {
    const problem = typeof finding === 'object' && finding !== null ? authorizationProblem(context, finding as Record<string, unknown>) : undefined;
    if (problem) {
      throw new AwsServiceError('AccessDeniedException', 403, `User: ${caller.arn} is not authorized to call BatchImportFindings for the specified finding: ${problem}`);
    }
  }
  const failed: FailedFinding[] = [];
  for (const finding of findings) {
    const record = (typeof finding === 'object' && finding !== null ? finding : {}) as Record<string, unknown>;
    const id = typeof record.Id === 'string' ? record.Id : '';
    const problems = findingProblems(finding);
    if (problems.length > 0) {
      failed.push({ Id: id, ErrorCode: 'InvalidInput', ErrorMessage: problems.join(', ') });
      continue;
    }
    const productRegion = parseProductArn(record.ProductArn as string)!.region;
    if (productRegion !== region) {
      failed.push({ Id: id, ErrorCode: 'InvalidInput', ErrorMessage: `Finding ProductArn Region ${productRegion} does not match the Region of the request, ${region}` });
      continue;
    }
    state.findingStore.put(region, finding as Finding);
  }
  return ok({ SuccessCount: findings.length - failed.length, FailedCount: failed.length, FailedFindings: failed }, context.requestId);
}
