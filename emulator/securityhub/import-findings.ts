/**
 * BatchImportFindings, in the order this emulator applies Security Hub's rules: throttling per
 * calling account+Region, whole-request limits, the caller's right to import each finding (one
 * misfit fails the whole call with AccessDeniedException), then per finding: the ASFF checks
 * (InvalidInput) and whether the finding's account accepts it (InvalidAccess), both answered with
 * 200 and an entry in FailedFindings.
 *
 * Source for the limits and the per-finding InvalidAccess: user guide, "Using BatchImportFindings to
 * create and update findings" (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html):
 * "Security Hub accepts up to 100 findings per batch, up to 240 KB per finding, and up to 6 MB per
 * batch" and "If Security Hub is disabled, or the finding provider integration is not enabled, then
 * the findings are returned in the FailedFindings list, with an InvalidAccess error."
 * The order of the checks is an assumption (AWS documents none); see docs/emulator.md.
 */
import { isDefaultProductOf, parseProductArn } from '../arn.js';
import { AwsServiceError } from '../errors.js';
import type { HttpReply } from '../http-io.js';
import type { OperationContext } from '../service.js';
import type { Finding } from '../types.js';
import { findingProblems } from './finding-checks.js';
import { invalidInput, jsonBody, ok, throttled } from './protocol.js';

/** User guide (above): "up to 100 findings per batch"; botocore securityhub model, BatchImportFindingsRequest.Findings. */
const MAX_FINDINGS_PER_CALL = 100;
/** User guide (above): "up to 6 MB per batch". */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

interface FailedFinding {
  Id: string;
  ErrorCode: string;
  ErrorMessage: string;
}

type Json = Record<string, unknown>;

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
 * Why the caller may not import this finding at all, or undefined. The API reference
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html): it must be
 * called by "the account that is associated with a finding if you are using the default product ARN
 * or are a partner sending findings from within a customer's account" (the caller's account must
 * equal AwsAccountId), or by "an account that Security Hub has allow-listed for an official partner
 * integration". A foreign AwsAccountId answers the whole call with AccessDeniedException, as AWS
 * support confirmed (https://github.com/prowler-cloud/prowler/issues/867). Assumption: the account in
 * a partner product's ARN is the one allow-listed for it.
 */
function callerProblem(context: OperationContext, finding: Json): string | undefined {
  const { ProductArn: productArn, AwsAccountId: accountId } = finding;
  const product = typeof productArn === 'string' ? parseProductArn(productArn) : undefined;
  // A malformed ProductArn or AwsAccountId is an ASFF problem, answered per finding, not here.
  if (!product || typeof accountId !== 'string' || !/^\d{12}$/.test(accountId)) return undefined;
  const caller = context.caller.accountId;
  if (caller === accountId) return undefined;
  if (product.accountId === caller && !isDefaultProductOf(productArn as string, caller)) return undefined;
  return `account ${caller} may not import findings for account ${accountId} under product ${productArn as string}`;
}

/**
 * Why the finding's account does not accept the finding (FailedFindings InvalidAccess, per the user
 * guide quoted above), or undefined. An account's default product needs no subscription: user guide,
 * "Using custom product integrations" (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-custom-providers.html).
 * Assumption: the message text; AWS documents only the code.
 */
function accessProblem(context: OperationContext, finding: Json): string | undefined {
  const accountId = finding.AwsAccountId as string;
  const productArn = finding.ProductArn as string;
  const { region, state } = context;
  if (!state.hubs.hub(accountId, region)) return `Security Hub is not enabled for account ${accountId} in ${region}`;
  if (isDefaultProductOf(productArn, accountId)) return undefined;
  if (!state.hubs.isSubscribed(accountId, region, productArn)) return `Account ${accountId} has not enabled the integration for product ${productArn} in ${region}`;
  return undefined;
}

export function batchImportFindings(context: OperationContext): HttpReply {
  const { state, caller, region } = context;
  if (!state.importBuckets.take(`${caller.accountId}|${region}`)) {
    // The default answer (protocol.ts): the model's other throttling codes come only from injected faults.
    throw throttled();
  }
  const findings = readFindings(context);
  for (const finding of findings) {
    const problem = typeof finding === 'object' && finding !== null ? callerProblem(context, finding as Json) : undefined;
    if (problem) {
      // Message shape as AWS answers it (prowler#867): "User: <arn> is not authorized to perform: securityhub:BatchImportFindings on resource: <product ARN>".
      throw new AwsServiceError('AccessDeniedException', 403,
        `User: ${caller.arn} is not authorized to perform: securityhub:BatchImportFindings on resource: ${String((finding as Json).ProductArn)} (${problem})`);
    }
  }
  const failed: FailedFinding[] = [];
  const accepted: Finding[] = [];
  for (const finding of findings) {
    const record = (typeof finding === 'object' && finding !== null ? finding : {}) as Json;
    const id = typeof record.Id === 'string' ? record.Id : '';
    const problems = findingProblems(finding);
    if (problems.length > 0) {
      failed.push({ Id: id, ErrorCode: 'InvalidInput', ErrorMessage: problems.join(', ') });
      continue;
    }
    const productRegion = parseProductArn(record.ProductArn as string)!.region;
    if (productRegion !== region) {
      // Assumption: AWS documents that the ProductArn's Region is where the finding goes, not the answer to a mismatch.
      failed.push({ Id: id, ErrorCode: 'InvalidInput', ErrorMessage: `Finding ProductArn Region ${productRegion} does not match the Region of the request, ${region}` });
      continue;
    }
    const denied = accessProblem(context, record);
    if (denied) {
      failed.push({ Id: id, ErrorCode: 'InvalidAccess', ErrorMessage: denied });
      continue;
    }
    accepted.push(finding as Finding);
  }
  // Stored in the request's order (a repeated Id is judged against the one before it), in one durable
  // commit for the whole call (persistence.ts), before the call is answered.
  const stored: Array<[string, string]> = [];
  state.persistence.batch(() => {
    for (const finding of accepted) if (state.findingStore.put(region, finding) !== 'ignored') stored.push([String(finding.AwsAccountId), String(finding.Id)]);
  });
  state.importLog.record({ accountId: context.caller.accountId, region, at: state.clock.now(), findings: findings.length, stored: stored.length }, stored);
  return ok({ SuccessCount: findings.length - failed.length, FailedCount: failed.length, FailedFindings: failed }, context.requestId);
}
