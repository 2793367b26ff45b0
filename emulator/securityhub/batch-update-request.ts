/**
 * Reads a BatchUpdateFindings request body, refusing what botocore's Security Hub model
 * (securityhub/2018-10-26/service-2.json, operation BatchUpdateFindings, input shape
 * BatchUpdateFindingsRequest) does not allow with InvalidInputException (HTTP 400), the error the
 * model lists for the operation: "The request was rejected because you supplied an invalid or
 * out-of-range value for an input parameter." Shape names in the comments are the model's.
 */
import { ENUM_MEMBERS, SEVERITY_LABELS } from './asff-enums.js';
import { invalidInput } from './protocol.js';

/** "BatchUpdateFindings can be used to update up to 100 findings at a time" (member FindingIdentifiers). */
const MAX_IDENTIFIERS = 100;
/** Note.Text: "Length Constraints: Minimum of 1. Maximum of 512." (shape Note, which NoteUpdate sets). */
const MAX_NOTE_TEXT = 512;
/** NonEmptyString's pattern `.*\S.*`: at least one non-whitespace character. */
const NON_EMPTY = /\S/;

export interface Identifier {
  Id: string;
  ProductArn: string;
}

export interface BatchUpdate {
  FindingIdentifiers: Identifier[];
  Note?: { Text: string; UpdatedBy: string };
  Severity?: { Label?: string; Normalized?: number; Product?: number };
  VerificationState?: string;
  Confidence?: number;
  Criticality?: number;
  Types?: string[];
  UserDefinedFields?: Record<string, string>;
  Workflow?: { Status?: string };
  RelatedFindings?: Identifier[];
}

type Json = Record<string, unknown>;

function refuse(name: string, problem: string): never {
  throw invalidInput(`Invalid parameter '${name}': ${problem}`);
}

/** Assumption: a JSON null counts as the member being absent, as for any optional member. */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function object(value: unknown, name: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(name, 'must be an object');
  return value as Json;
}

function list(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) refuse(name, 'must be a list');
  return value;
}

/** Shape NonEmptyString. */
function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || !NON_EMPTY.test(value)) refuse(name, 'must be a string with at least one non-whitespace character');
  return value;
}

/** Shape RatioScale: integer, min 0, max 100. */
function ratioScale(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) refuse(name, 'must be an integer from 0 to 100');
  return value;
}

function oneOf(value: unknown, name: string, allowed: readonly string[]): string {
  if (typeof value !== 'string' || !allowed.includes(value)) refuse(name, `must be one of ${allowed.join(', ')}`);
  return value;
}

/** The enum of a member as asff-enums.ts lists it (shapes WorkflowStatus, VerificationState). */
function enumOf(member: string): readonly string[] {
  const entry = ENUM_MEMBERS.find(([path]) => path === member);
  if (!entry) throw new Error(`asff-enums.ts lists no enum for ${member}`);
  return entry[1];
}

/** Shapes AwsSecurityFindingIdentifier and RelatedFinding: required Id and ProductArn, both NonEmptyString. */
function identifier(value: unknown, name: string): Identifier {
  const item = object(value, name);
  return { Id: nonEmptyString(item.Id, `${name}.Id`), ProductArn: nonEmptyString(item.ProductArn, `${name}.ProductArn`) };
}

function readIdentifiers(value: unknown): Identifier[] {
  // Required member of BatchUpdateFindingsRequest. Assumption: an empty list is refused too; the
  // model documents no minimum, but the request would name no finding to update.
  if (!given(value)) refuse('FindingIdentifiers', 'is required');
  const items = list(value, 'FindingIdentifiers');
  if (items.length < 1 || items.length > MAX_IDENTIFIERS) refuse('FindingIdentifiers', `must list 1 to ${MAX_IDENTIFIERS} findings, got ${items.length}`);
  return items.map((item, i) => identifier(item, `FindingIdentifiers[${i}]`));
}

/** Shape NoteUpdate: Text and UpdatedBy required. */
function readNote(value: unknown): BatchUpdate['Note'] {
  const note = object(value, 'Note');
  const text = nonEmptyString(note.Text, 'Note.Text');
  if ([...text].length > MAX_NOTE_TEXT) refuse('Note.Text', `must be at most ${MAX_NOTE_TEXT} characters`);
  return { Text: text, UpdatedBy: nonEmptyString(note.UpdatedBy, 'Note.UpdatedBy') };
}

/** Shape SeverityUpdate: Label (SeverityLabel), Normalized (RatioScale), Product (Double), all optional. */
function readSeverity(value: unknown): BatchUpdate['Severity'] {
  const severity = object(value, 'Severity');
  const read: NonNullable<BatchUpdate['Severity']> = {};
  if (given(severity.Label)) read.Label = oneOf(severity.Label, 'Severity.Label', SEVERITY_LABELS);
  if (given(severity.Normalized)) read.Normalized = ratioScale(severity.Normalized, 'Severity.Normalized');
  if (given(severity.Product)) {
    if (typeof severity.Product !== 'number' || !Number.isFinite(severity.Product)) refuse('Severity.Product', 'must be a number');
    read.Product = severity.Product;
  }
  return read;
}

/** Shape FieldMap: NonEmptyString keys and values. */
function readFieldMap(value: unknown): Record<string, string> {
  const map = object(value, 'UserDefinedFields');
  return Object.fromEntries(Object.entries(map).map(([key, entry]) => [
    nonEmptyString(key, 'UserDefinedFields key'),
    nonEmptyString(entry, `UserDefinedFields.${key}`),
  ]));
}

/** The request, or InvalidInputException naming the first member the model does not allow. */
export function readBatchUpdate(body: Json): BatchUpdate {
  const update: BatchUpdate = { FindingIdentifiers: readIdentifiers(body.FindingIdentifiers) };
  if (given(body.Note)) update.Note = readNote(body.Note);
  if (given(body.Severity)) update.Severity = readSeverity(body.Severity);
  if (given(body.VerificationState)) update.VerificationState = oneOf(body.VerificationState, 'VerificationState', enumOf('VerificationState'));
  if (given(body.Confidence)) update.Confidence = ratioScale(body.Confidence, 'Confidence');
  if (given(body.Criticality)) update.Criticality = ratioScale(body.Criticality, 'Criticality');
  // Shape TypeList: a list of NonEmptyString. Its format and count are ASFF rules, checked per finding.
  if (given(body.Types)) update.Types = list(body.Types, 'Types').map((type, i) => nonEmptyString(type, `Types[${i}]`));
  if (given(body.UserDefinedFields)) update.UserDefinedFields = readFieldMap(body.UserDefinedFields);
  if (given(body.Workflow)) {
    // Shape WorkflowUpdate: Status (WorkflowStatus) optional.
    const workflow = object(body.Workflow, 'Workflow');
    update.Workflow = given(workflow.Status) ? { Status: oneOf(workflow.Status, 'Workflow.Status', enumOf('Workflow.Status')) } : {};
  }
  if (given(body.RelatedFindings)) {
    update.RelatedFindings = list(body.RelatedFindings, 'RelatedFindings').map((item, i) => identifier(item, `RelatedFindings[${i}]`));
  }
  return update;
}
