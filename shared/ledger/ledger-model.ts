/**
 * The finding ledger: what the broker knows of every finding it accepted (the newest version accepted,
 * the last one imported) and of every submission (what became of each of its findings). It lets a
 * partner see the fate of a POST, lets the broker skip what Security Hub would ignore (stale
 * `UpdatedAt`) or bill for nothing (unchanged content), and archive by scan without GetFindings.
 */

/** Security Hub keys a finding by account and Region (the ProductArn's) as well as ProductArn and Id. */
export interface FindingKey {
  accountId: string;
  productArn: string;
  id: string;
}

/** The newest version of a finding that ingest queued (written by ingest after the queue took it). */
export interface AcceptedVersion {
  updatedAt: string;
  submissionId: string;
  /** When it was posted (ms since the epoch). */
  postedAt: number;
  /** The scan it was posted in, if any (archive by scan). */
  scanId?: string;
}

/** The last version of a finding the broker imported (written by deliver after Security Hub took it). */
export interface ImportedVersion {
  updatedAt: string;
  submissionId: string;
  /** content-hash.ts: the finding without UpdatedAt. */
  hash: string;
  /** When it was imported (ms since the epoch). */
  importedAt: number;
  recordState: 'ACTIVE' | 'ARCHIVED';
  generatorId: string;
  /** Its JSON as imported: what archive by scan re-imports with RecordState ARCHIVED. */
  json: string;
}

export interface FindingState {
  accepted?: AcceptedVersion;
  /** Without its JSON: importedJson reads that, for archive by scan only. */
  imported?: Omit<ImportedVersion, 'json'>;
}

/**
 * What became of one finding of a submission. `queued` is implied (accepted, no fate yet); the others
 * are final until a redrive or a later version changes them.
 */
export type FateKind = 'imported' | 'dead-lettered' | 'ignored' | 'unchanged' | 'rejected' | 'failed';

export interface FindingFate {
  /** The finding; for a finding rejected at ingest only what it carried (its index in the POST always). */
  key: Partial<FindingKey> & { index?: number };
  fate: FateKind;
  /** Who decided it: ingest (before queueing: rejected, ignored, failed) or delivery (for a queued finding). */
  stage: 'ingest' | 'delivery';
  /** Why it was not imported (a failure-catalog code, StaleUpdatedAt, Superseded, a validation rule). */
  code?: string;
  /** What the partner can do about it. */
  message?: string;
  /** ms since the epoch. */
  at: number;
}

export interface SubmissionSummary {
  submissionId: string;
  partnerId: string;
  /** ISO 8601. */
  createdAt: string;
  /** Findings in the POST. */
  posted: number;
  /** Queued for delivery (their fates arrive as delivery ends). */
  accepted: number;
  scanId?: string;
}

/** A submission as its partner reads it: counts by fate and each finding that did not import. */
export interface SubmissionView extends SubmissionSummary {
  counts: Record<FateKind | 'queued', number>;
  /** Findings with a fate other than imported, at most `limit` of them; `more` says how many were left out. */
  findings: FindingFate[];
  more: number;
}

/** A partner's scan: findings posted with `?scan=<id>`, then completed with a scope (archive by scan). */
export interface ScanRecord {
  partnerId: string;
  scanId: string;
  /** When its first finding was posted (ms since the epoch): what a completion archives is older than this. */
  startedAt: number;
  completedAt?: number;
  /** The completion's outcome, answered again if the partner completes the scan again. */
  result?: Record<string, unknown>;
}

/** What archive by scan needs of a finding (no JSON): its last accepted and imported versions' times and state. */
export interface FindingSummary {
  id: string;
  accepted?: Omit<AcceptedVersion, 'submissionId'>;
  imported?: Omit<ImportedVersion, 'json' | 'hash' | 'submissionId'>;
}

/**
 * LEDGER_TABLE_NAME's value for "no ledger": the benchmark's baseline measures the broker without it.
 * Not a valid DynamoDB table name (3-255 characters), so no real table can be mistaken for it.
 */
export const NO_LEDGER = '-';

/** Codes of findings the ledger keeps from Security Hub (fate `ignored`). */
export const STALE_UPDATED_AT = 'StaleUpdatedAt';
export const SUPERSEDED = 'Superseded';

export function staleMessage(updatedAt: string, newest: string): string {
  return `Not sent: UpdatedAt ${updatedAt} is not later than ${newest}, the newest version of this finding the broker already took; `
    + 'Security Hub would ignore it. To change the finding, send it with a later UpdatedAt.';
}

export function supersededMessage(updatedAt: string, newest: string): string {
  return `Not sent: a newer version of this finding (UpdatedAt ${newest}) was queued after this one (${updatedAt}), and only the newest is imported.`;
}

/** One text for a finding's key, for maps and sort keys: the parts cannot contain '\n' (ASFF Ids and ARNs are single-line). */
export function keyText(key: FindingKey): string {
  return `${key.accountId}\n${key.productArn}\n${key.id}`;
}

/** Reads and writes of the ledger; one DynamoDB table in AWS (dynamo-ledger.ts). */
export interface Ledger {
  /** The state of each finding (absent when the ledger has none), keyed by keyText. */
  findingStates(keys: FindingKey[]): Promise<Map<string, FindingState>>;
  /** Ingest: the versions it queued. */
  putAccepted(entries: Array<{ key: FindingKey; version: AcceptedVersion }>): Promise<void>;
  /** Deliver: the versions it imported. */
  putImported(entries: Array<{ key: FindingKey; version: ImportedVersion }>): Promise<void>;
  /** A submission's record, written once by ingest, with the fates ingest already knows. */
  putSubmission(summary: SubmissionSummary, fates: FindingFate[]): Promise<void>;
  /** Fates of findings of submissions (deliver). */
  putFates(fates: Array<{ submissionId: string; fate: FindingFate }>): Promise<void>;
  /** The submission, when it is the partner's; undefined otherwise (and when unknown or expired). */
  submission(partnerId: string, submissionId: string, limit: number): Promise<SubmissionView | undefined>;
  /** The partner's submissions created at or after `since`, oldest first, at most `limit`. */
  submissions(partnerId: string, since: string, limit: number): Promise<SubmissionSummary[]>;
  /** Notes a scan's first post (a later post keeps the first time). */
  startScan(partnerId: string, scanId: string, at: number): Promise<void>;
  scan(partnerId: string, scanId: string): Promise<ScanRecord | undefined>;
  completeScan(partnerId: string, scanId: string, at: number, result: Record<string, unknown>): Promise<void>;
  /** Every finding the ledger holds for an account and product (one partition), without the imported JSON. */
  findingSummaries(accountId: string, productArn: string): Promise<FindingSummary[]>;
  /** The JSON of each finding's last import, by id (absent when never imported). */
  importedJson(accountId: string, productArn: string, ids: string[]): Promise<Map<string, string>>;
}
