/**
 * GetFindings: the findings stored in the caller's own account and the request's Region, filtered,
 * optionally sorted, and paged. Findings come back as Security Hub holds them (FindingProviderFields
 * rules and BatchUpdateFindings changes applied: finding-store.ts, finding-provider-fields.ts), plus
 * the fields Security Hub itself fills in when the finding did not set them (Region, RecordState,
 * Workflow).
 */
import type { HttpReply } from '../http-io.js';
import type { OperationContext } from '../service.js';
import type { Finding } from '../types.js';
import { compileFilters, compileSort } from './finding-filters.js';
import { requireHub } from './hub-operations.js';
import { maxResults, paginate } from './pagination.js';
import { jsonBody, ok } from './protocol.js';

/**
 * The service-filled defaults: Workflow.Status NEW ("the initial state of a finding") and RecordState
 * ACTIVE for a new finding, per the ASFF top-level attributes page
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-top-level-attributes.html); Region is
 * the Region the finding was imported into. Assumption: the retired WorkflowState mirrors NEW.
 */
function withServiceFields(finding: Finding, region: string): Finding {
  return {
    ...finding,
    Region: finding.Region ?? region,
    RecordState: finding.RecordState ?? 'ACTIVE',
    Workflow: finding.Workflow ?? { Status: 'NEW' },
    WorkflowState: finding.WorkflowState ?? 'NEW',
  };
}

export function getFindings(context: OperationContext): HttpReply {
  requireHub(context);
  const body = jsonBody(context.request);
  const { region } = context;
  const keep = compileFilters(body.Filters);
  const sort = compileSort(body.SortCriteria);
  const matching = context.state.findingStore.held(context.caller.accountId, region).filter((f) => keep(f, region));
  if (sort) matching.sort(sort);
  const page = paginate(matching, 'GetFindings', body.NextToken, maxResults(body.MaxResults));
  return ok({ Findings: page.items.map((f) => withServiceFields(f, region)), NextToken: page.nextToken }, context.requestId);
}
