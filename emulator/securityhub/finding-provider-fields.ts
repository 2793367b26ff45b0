/**
 * How a finding sent with BatchImportFindings becomes the finding Security Hub holds, and how a
 * later import of it (one with a later UpdatedAt) changes what is held. Pure functions: the store
 * decides create vs update vs ignore and keeps the per-attribute BatchUpdateFindings bookkeeping.
 *
 * Source for the rules, unless a comment says otherwise: Security Hub User Guide, "Using
 * BatchImportFindings to create and update findings",
 * https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html
 * (sections "Using FindingProviderFields" and "Restricted attributes for BatchImportFindings").
 */
import type { Finding } from '../types.js';
import type { SeverityValue } from './severity.js';
import { withBothScales } from './severity.js';

/**
 * The attributes a finding provider sets through FindingProviderFields, each with a top-level
 * analogue of the same name that customers change with BatchUpdateFindings (API reference,
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_FindingProviderFields.html).
 */
export const PROVIDER_ATTRIBUTES = ['Confidence', 'Criticality', 'RelatedFindings', 'Severity', 'Types'] as const;
export type ProviderAttribute = (typeof PROVIDER_ATTRIBUTES)[number];

/**
 * "For an existing finding, finding providers cannot use BatchImportFindings to update the following
 * attributes and objects ... Security Hub ignores any content in BatchImportFindings for those
 * attributes" (user guide, #batchimportfindings-restricted-fields).
 */
export const RESTRICTED_ATTRIBUTES = ['Note', 'UserDefinedFields', 'VerificationState', 'Workflow'] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A detached copy of a finding to work on member by member. */
function editable(finding: Finding): Json {
  return structuredClone(finding) as unknown as Json;
}

function providerFieldsOf(finding: Json): Json {
  return isObject(finding.FindingProviderFields) ? finding.FindingProviderFields : {};
}

/**
 * The value Security Hub stores for an attribute: a detached copy, and for Severity with the missing
 * one of Label / Normalized filled in. For a new finding that is documented for both objects:
 * FindingProviderSeverity, "If a BatchImportFindings request for a new finding only provides Label or
 * only provides Normalized, Security Hub automatically populates the value of the other field"
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_FindingProviderSeverity.html), and
 * Severity, "If only one of these attributes is populated, then Security Hub automatically populates
 * the other one" (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Severity.html).
 * Assumption: an update of an existing finding gets the same fill-in; the Severity page states the
 * rule without limiting it to new findings.
 */
function stored(attribute: ProviderAttribute, value: unknown): unknown {
  if (attribute === 'Severity' && isObject(value)) return withBothScales(structuredClone(value) as SeverityValue);
  return structuredClone(value);
}

function setOrDelete(target: Json, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = structuredClone(value);
}

/** Unknown members of the provider's FindingProviderFields are kept as sent, like the rest of the finding. */
function withProviderFields(finding: Json, providerFields: Json): Finding {
  if (Object.keys(providerFields).length === 0) delete finding.FindingProviderFields;
  else finding.FindingProviderFields = providerFields;
  return finding as unknown as Finding;
}

/**
 * A new finding. Per attribute:
 * - in FindingProviderFields only (the preferred form), or in both places: "For a new finding,
 *   Security Hub uses the value in FindingProviderFields to populate both the top-level attribute
 *   and the corresponding attribute in FindingProviderFields. It does not use the provided top-level
 *   attribute value." (The FindingProviderFields-only case is the same rule with nothing to ignore.)
 * - top level only: "Security Hub uses the value to update the attribute in FindingProviderFields";
 *   for Severity "Security Hub creates the FindingProviderFields.Severity object and copies the
 *   entire Finding.Severity object into it" (API_FindingProviderSeverity.html).
 * Note, UserDefinedFields, VerificationState and Workflow are taken as sent: the restriction on them
 * is documented for existing findings only.
 */
export function createFinding(incoming: Finding): Finding {
  const finding = editable(incoming);
  const sent = providerFieldsOf(finding);
  const providerFields: Json = { ...sent };
  for (const attribute of PROVIDER_ATTRIBUTES) {
    const value = sent[attribute] !== undefined ? sent[attribute] : finding[attribute];
    if (value === undefined) continue;
    providerFields[attribute] = stored(attribute, value);
    finding[attribute] = stored(attribute, value);
  }
  return withProviderFields(finding, providerFields);
}

/**
 * An existing finding, updated by a BatchImportFindings finding with a later UpdatedAt (the store
 * checks that). `setByBatchUpdate` lists the attributes a BatchUpdateFindings request has set on the
 * held finding; their top-level values are the customer's and stay. Per attribute:
 * - FindingProviderFields only: "Security Hub updates the value of the attribute in
 *   FindingProviderFields. It replicates the value to the top-level attribute only if the attribute
 *   was not already updated by BatchUpdateFindings."
 * - top level only: "Security Hub uses the value to update the attribute in FindingProviderFields.
 *   It overwrites any existing value. Security Hub updates the top-level attribute only if the
 *   attribute was not already updated by BatchUpdateFindings."
 * - both: "For an existing finding, Security Hub uses both values. However, it updates the top-level
 *   attribute value only if the attribute was not already updated by BatchUpdateFindings."
 * - neither: Assumption: both the FindingProviderFields value and the top-level value stay as held.
 *   The guide only describes changes made from a value the provider sends; it never says an omitted
 *   attribute is removed, and removing it would also erase a customer's BatchUpdateFindings value.
 * The other attributes come from the update as sent (the emulator's existing model: an update
 * replaces the finding), except Note, UserDefinedFields, VerificationState and Workflow, which keep
 * their held values whatever the update says ("Security Hub ignores any content in
 * BatchImportFindings for those attributes", #batchimportfindings-restricted-fields).
 */
export function updateFinding(held: Finding, incoming: Finding, setByBatchUpdate: ReadonlySet<ProviderAttribute>): Finding {
  const before = held as unknown as Json;
  const heldProviderFields = providerFieldsOf(before);
  const finding = editable(incoming);
  const sent = providerFieldsOf(finding);
  const providerFields: Json = { ...sent };
  for (const attribute of PROVIDER_ATTRIBUTES) {
    const fromProvider = sent[attribute];
    const topLevel = finding[attribute];
    if (fromProvider === undefined && topLevel === undefined) {
      setOrDelete(providerFields, attribute, heldProviderFields[attribute]);
      setOrDelete(finding, attribute, before[attribute]);
      continue;
    }
    providerFields[attribute] = stored(attribute, fromProvider !== undefined ? fromProvider : topLevel);
    if (setByBatchUpdate.has(attribute)) setOrDelete(finding, attribute, before[attribute]);
    else finding[attribute] = stored(attribute, topLevel !== undefined ? topLevel : fromProvider);
  }
  for (const attribute of RESTRICTED_ATTRIBUTES) setOrDelete(finding, attribute, before[attribute]);
  return withProviderFields(finding, providerFields);
}
