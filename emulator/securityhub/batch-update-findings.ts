/**
 * BatchUpdateFindings (PATCH /findings/batchupdate): the customer's changes to findings in the
 * caller's own account and the request's Region. Sources: API reference
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html, botocore's
 * Security Hub model (securityhub/2018-10-26/service-2.json, operation BatchUpdateFindings and the
 * shapes named below), and the user guide's "BatchUpdateFindings for customers",
 * https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchupdatefindings.html.
 *
 * Not modelled: administrator accounts updating their members' findings (the emulator has no
 * administrator/member relationships, so only the caller's own findings are found); IAM conditions
 * on securityhub:ASFFSyntaxPath; ConcurrentUpdateError and InternalFailure. Assumption: the update is
 * visible at once, although the guide says "This process can take several minutes".
 */
import type { HttpReply } from '../http-io.js';
import type { OperationContext } from '../service.js';
import type { Finding } from '../types.js';
import type { BatchUpdate, Identifier } from './batch-update-request.js';
import { readBatchUpdate } from './batch-update-request.js';
import { MAX_FINDING_BYTES, findingProblems } from './finding-checks.js';
import type { ProviderAttribute } from './finding-provider-fields.js';
import { requireHub } from './hub-operations.js';
import { jsonBody, ok } from './protocol.js';
import { labelForNormalized, normalizedForLabel } from './severity.js';

type Json = Record<string, unknown>;

interface Unprocessed {
  FindingIdentifier: Identifier;
  ErrorCode: string;
  ErrorMessage: string;
}

/**
 * The held Severity with the update's members applied. "If you provide Normalized and don't provide
 * Label, Label is set automatically" (SeverityUpdate.Normalized); "If you provide Label and don't
 * provide Normalized, then Normalized is set automatically" (Severity.Normalized): tables in severity.ts.
 * Assumption: members the update leaves out (Original, and Product unless given) keep their held
 * values, and a Label-only update recomputes Normalized rather than keeping a stale one.
 */
function updatedSeverity(held: unknown, update: NonNullable<BatchUpdate['Severity']>): Json {
  const severity: Json = typeof held === 'object' && held !== null ? { ...(held as Json) } : {};
  if (update.Label !== undefined) {
    severity.Label = update.Label;
    severity.Normalized = update.Normalized ?? normalizedForLabel(update.Label);
  } else if (update.Normalized !== undefined) {
    severity.Normalized = update.Normalized;
    severity.Label = labelForNormalized(update.Normalized);
  }
  if (update.Product !== undefined) severity.Product = update.Product;
  return severity;
}

/**
 * The held finding with the request's changes, and which of the FindingProviderFields attributes the
 * request set (from then on, BatchImportFindings no longer changes their top-level values). Only
 * top-level attributes change: "Customers can't update FindingProviderFields" (API reference,
 * API_FindingProviderFields.html). UpdatedAt stays: "BatchUpdateFindings does not change the UpdatedAt
 * field for the finding" (user guide). Assumption: each member given replaces the attribute as a
 * whole (UserDefinedFields replaces the whole map, Types and RelatedFindings the whole list); an empty
 * SeverityUpdate or WorkflowUpdate changes nothing and sets nothing; a request naming no member to
 * update still reports its findings as processed.
 */
export function applyBatchUpdate(held: Finding, update: BatchUpdate, now: string): { finding: Finding; attributes: ProviderAttribute[] } {
  const finding = structuredClone(held) as unknown as Json;
  const attributes: ProviderAttribute[] = [];
  for (const attribute of ['Confidence', 'Criticality', 'Types', 'RelatedFindings'] as const) {
    if (update[attribute] === undefined) continue;
    finding[attribute] = structuredClone(update[attribute]);
    attributes.push(attribute);
  }
  const severity = update.Severity;
  if (severity && (severity.Label !== undefined || severity.Normalized !== undefined || severity.Product !== undefined)) {
    finding.Severity = updatedSeverity(finding.Severity, severity);
    attributes.push('Severity');
  }
  // Note.UpdatedAt: "A timestamp that indicates when the note was updated" (shape Note): the request's time.
  if (update.Note) finding.Note = { Text: update.Note.Text, UpdatedBy: update.Note.UpdatedBy, UpdatedAt: now };
  if (update.VerificationState !== undefined) finding.VerificationState = update.VerificationState;
  if (update.UserDefinedFields !== undefined) finding.UserDefinedFields = { ...update.UserDefinedFields };
  if (update.Workflow?.Status !== undefined) finding.Workflow = { ...(finding.Workflow as Json | undefined), Status: update.Workflow.Status };
  return { finding: finding as unknown as Finding, attributes };
}

function oversized(finding: Finding): boolean {
  return Buffer.byteLength(JSON.stringify(finding)) > MAX_FINDING_BYTES;
}

/**
 * Why the updated finding is not acceptable, as the ErrorCode / ErrorMessage pair the model documents
 * for BatchUpdateFindingsUnprocessedFinding ("FindingSizeExceeded - The finding size was greater than
 * the permissible value of 240 KB", "InvalidInput - The finding update contained an invalid value that
 * did not satisfy the Amazon Web Services Security Finding Format syntax"; messages "Finding size
 * exceeded 240 KB", "Invalid Input"). Assumption: ASFF rules the model does not put on the request
 * (the Types format and count, RelatedFindings 1-10) fail the finding this way rather than the whole
 * request; only problems the update introduced count, so a held finding is judged by the same ASFF
 * checks as an import (finding-checks.ts).
 */
function updateProblem(held: Finding, updated: Finding): [code: string, message: string] | undefined {
  if (oversized(updated) && !oversized(held)) return ['FindingSizeExceeded', 'Finding size exceeded 240 KB'];
  const before = new Set(findingProblems(held));
  if (findingProblems(updated).some((problem) => !before.has(problem))) return ['InvalidInput', 'Invalid Input'];
  return undefined;
}

export function batchUpdateFindings(context: OperationContext): HttpReply {
  const { state, caller, region } = context;
  // Assumption: as for BatchImportFindings, a malformed request is refused before the hub check.
  const update = readBatchUpdate(jsonBody(context.request));
  requireHub(context);
  const now = new Date(state.clock.now()).toISOString();
  const keyOf = (id: Identifier): string => `${id.ProductArn}\n${id.Id}`;
  const occurrences = new Map<string, number>();
  for (const id of update.FindingIdentifiers) occurrences.set(keyOf(id), (occurrences.get(keyOf(id)) ?? 0) + 1);

  const processed: Identifier[] = [];
  const unprocessed: Unprocessed[] = [];
  // One durable commit for the whole call (persistence.ts), before it is answered.
  state.persistence.batch(() => {
    for (const id of update.FindingIdentifiers) {
      const identifier = { Id: id.Id, ProductArn: id.ProductArn };
      const fail = (code: string, message: string): void => {
        unprocessed.push({ FindingIdentifier: identifier, ErrorCode: code, ErrorMessage: message });
      };
      // "DuplicatedFindingIdentifier - The request included two or more findings with the same
      // FindingIdentifier", message "Finding Identifier is duplicated" (model). Assumption: every
      // occurrence is reported and none applied, since the code does not single one out as valid.
      if ((occurrences.get(keyOf(id)) ?? 0) > 1) {
        fail('DuplicatedFindingIdentifier', 'Finding Identifier is duplicated');
        continue;
      }
      // "FindingNotFound - The FindingIdentifier included in the request did not match an existing
      // finding", message "Finding Not Found" (model). Findings of other accounts are not found.
      const held = state.findingStore.find(caller.accountId, region, identifier);
      if (!held) {
        fail('FindingNotFound', 'Finding Not Found');
        continue;
      }
      const { finding, attributes } = applyBatchUpdate(held, update, now);
      const problem = updateProblem(held, finding);
      if (problem) {
        fail(...problem);
        continue;
      }
      state.findingStore.applyBatchUpdate(caller.accountId, region, finding, attributes);
      processed.push(identifier);
    }
  });
  return ok({ ProcessedFindings: processed, UnprocessedFindings: unprocessed }, context.requestId);
}
