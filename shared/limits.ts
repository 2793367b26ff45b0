/**
 * AWS limits the broker must respect, named once (DESIGN.md, "Facts the code must respect").
 * Sources: Security Hub API reference (BatchImportFindings), STS AssumeRole reference, SQS quotas.
 */

/** BatchImportFindings: findings per call. */
export const MAX_FINDINGS_PER_IMPORT = 100;
/** BatchImportFindings: bytes per finding, measured as serialized JSON. */
export const MAX_FINDING_BYTES = 240 * 1024;
/** BatchImportFindings: bytes per request body. */
export const MAX_IMPORT_REQUEST_BYTES = 6 * 1024 * 1024;
/** BatchImportFindings: sustained requests per second per account+Region. */
export const IMPORT_RATE_PER_SECOND = 10;
/** BatchImportFindings: burst per account+Region. */
export const IMPORT_BURST = 30;

/** STS: a role session lasts one hour by default (and at most one hour when chained). */
export const ASSUME_ROLE_SESSION_SECONDS = 3600;
/** Credentials are refreshed this long before they expire, so no call runs with dying credentials. */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** STS ExternalId: 2-1224 characters of [\w+=,.@:/-]. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * SQS message size. SQS accepts up to 1 MiB since 2025, but the local emulator and older
 * tooling still cap at 256 KiB; a single finding (<= 240 KiB) always fits either way.
 */
export const MAX_SQS_MESSAGE_BYTES = 256 * 1024;
/** SQS SendMessageBatch: entries per call. */
export const MAX_SQS_BATCH_ENTRIES = 10;
/** SQS SendMessageBatch: bytes per call (sum of all entries). */
export const MAX_SQS_BATCH_BYTES = 256 * 1024;

/** Ingest: body size cap. API Gateway's own hard cap is 10 MB; we stay at Security Hub's 6 MB. */
export const MAX_INGEST_BODY_BYTES = MAX_IMPORT_REQUEST_BYTES;
/**
 * Ingest: findings per request. 1,000 keeps one request within a Lambda invocation's budget
 * (10 import calls per customer) while letting partners batch generously.
 */
export const MAX_FINDINGS_PER_REQUEST = 1000;
