/**
 * AWS limits the broker must respect, named once. Each carries its source: an AWS page or a botocore
 * service model (cited as `botocore <service>/<version>/service-2.json, <Operation or Shape>`), or says
 * "Assumption:" and why. The emulator (emulator/) keeps its own copies of the Security Hub numbers on
 * purpose, so a wrong number here shows up in tests instead of being mirrored.
 */

/**
 * BatchImportFindings: findings per call. "up to 100 findings per batch"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html);
 * botocore securityhub/2018-10-26/service-2.json, BatchImportFindingsRequestFindingList (min 1, max 100).
 */
export const MAX_FINDINGS_PER_IMPORT = 100;
/**
 * BatchImportFindings: bytes per finding, measured as serialized JSON. "up to 240 KB per finding"
 * (finding-update-batchimportfindings.html). Assumption: KB = 1024 bytes and the measure is the UTF-8
 * JSON of the finding; AWS states neither.
 */
export const MAX_FINDING_BYTES = 240 * 1024;
/**
 * BatchImportFindings: bytes per request body. "up to 6 MB per batch" (finding-update-batchimportfindings.html).
 * Assumption: MB = 1024 * 1024 bytes, measured on the request body; AWS states neither.
 */
export const MAX_IMPORT_REQUEST_BYTES = 6 * 1024 * 1024;
/**
 * BatchImportFindings: sustained requests per second per account+Region. "The throttle rate limit is
 * 10 TPS per account per Region" (finding-update-batchimportfindings.html); also botocore
 * securityhub/2018-10-26/service-2.json, service documentation ("RateLimit of 10 requests per second").
 */
export const IMPORT_RATE_PER_SECOND = 10;
/**
 * BatchImportFindings: burst per account+Region. "with a burst of 30 TPS" (finding-update-batchimportfindings.html);
 * the model's service documentation: "BurstLimit of 30 requests per second".
 */
export const IMPORT_BURST = 30;

/**
 * STS: a role session lasts one hour by default (and at most one hour when chained). Default: "By
 * default, the value is set to 3600 seconds" (botocore sts/2011-06-15/service-2.json,
 * AssumeRoleRequest.DurationSeconds). Chained: "Role chaining limits your AWS CLI or AWS API role
 * session to a maximum of one hour"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining;
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html, table of methods to assume a role).
 */
export const ASSUME_ROLE_SESSION_SECONDS = 3600;
/**
 * Credentials are refreshed this long before they expire, so no call runs with dying credentials.
 * Assumption (the broker's own choice, not an AWS limit): 5 minutes, the same window the AWS SDK for
 * JavaScript v3 uses to treat credentials as expired (@smithy/core memoizeIdentityProvider,
 * EXPIRATION_MS = 300_000).
 */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/**
 * STS ExternalId: 2-1224 characters of [\w+=,.@:/-]. botocore sts/2011-06-15/service-2.json, shape
 * externalIdType (min 2, max 1224, pattern `[\w+=,.@:\/-]*`); also "The ExternalId value must have a
 * minimum of 2 characters and a maximum of 1,224 characters"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_externalid).
 */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * SQS message size. Two AWS sources differ: the current model says "The maximum size is 1 MiB or
 * 1,048,576 bytes" (botocore sqs/2012-11-05/service-2.json, SendMessageRequest.MessageBody; the raise
 * from 256 KB is announced in https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb),
 * while the earlier limit was 256 KiB. The code follows the earlier limit. Assumption: the local SQS
 * emulator and older tooling still cap at 256 KiB; a single finding (<= 240 KiB) always fits either way.
 */
export const MAX_SQS_MESSAGE_BYTES = 256 * 1024;
/**
 * SQS SendMessageBatch: entries per call. "send up to 10 messages" (botocore sqs/2012-11-05/service-2.json,
 * SendMessageBatch; TooManyEntriesInBatchRequest: "the maximum number of entries ... is 10").
 */
export const MAX_SQS_BATCH_ENTRIES = 10;
/**
 * SQS SendMessageBatch: bytes per call (sum of all entries). The model now gives 1 MiB for "the maximum
 * total payload size" (botocore sqs/2012-11-05/service-2.json, SendMessageBatch); the code follows the
 * earlier 256 KiB for the same reason as MAX_SQS_MESSAGE_BYTES (Assumption).
 */
export const MAX_SQS_BATCH_BYTES = 256 * 1024;

/**
 * Lambda's synchronous invocation payload: "6 MB each for request and response" (Lambda quotas,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); Lambda reports it as
 * "Request must be smaller than 6291456 bytes for the InvokeFunction operation". It bounds the whole
 * event API Gateway sends (body, headers, request context), so a body near 6 MB never reaches ingest.
 */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6_291_456;
/**
 * Ingest: body size cap, below Lambda's payload limit by room for the rest of the event (API
 * Gateway's headers are at most 10 KB, the request context a few KB more), so a body over the cap
 * gets ingest's clear 413 in AWS too instead of the gateway's 5xx. API Gateway's own cap is 10 MB
 * (REST API quotas, https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
 * Assumption (the broker's choice): 256 KiB of room for the event around the body.
 */
export const MAX_INGEST_BODY_BYTES = LAMBDA_SYNC_PAYLOAD_BYTES - 256 * 1024;
/**
 * Ingest: findings per request. Assumption (the broker's choice, not an AWS limit): 1,000 keeps one
 * request within a Lambda invocation's budget (10 import calls per customer, at MAX_FINDINGS_PER_IMPORT
 * each) while letting partners batch generously.
 */
export const MAX_FINDINGS_PER_REQUEST = 1000;

/**
 * STS: the shortest session AssumeRole grants, used for the verifier's probes (they only prove that a
 * call succeeds). roleDurationSecondsType min 900 (botocore sts/2011-06-15/service-2.json,
 * AssumeRoleRequest.DurationSeconds).
 */
export const ASSUME_ROLE_MIN_SESSION_SECONDS = 900;

/**
 * Extra BatchImportFindings calls one chunk may spend to single out the finding(s) behind a whole-call
 * InvalidInputException (shared/delivery/import-chunk.ts, isolateInvalidInput). Halving a chunk of 100
 * down to one finding takes ceil(log2(100)) = 7 rounds of 2 calls, so 14 calls isolate one invalid
 * finding; the budget is twice that, enough for two. Assumption (the broker's choice, not an AWS
 * limit): past it, the findings not yet singled out are dead-lettered together, so a chunk of
 * invalid findings cannot spend the account's import rate (IMPORT_RATE_PER_SECOND) for long.
 */
export const MAX_INVALID_INPUT_ISOLATION_CALLS = 4 * Math.ceil(Math.log2(MAX_FINDINGS_PER_IMPORT));

/**
 * Entries kept per container in each per-destination map (Security Hub clients, import pacer buckets,
 * cached credentials), least recently used evicted first. Assumption (the broker's choice): a few
 * thousand destinations (account+Region, or role) stay warm, while a long-lived container serving many
 * customers cannot grow without bound; an evicted entry is simply created again when next needed.
 */
export const MAX_CACHED_DESTINATIONS = 4096;

/**
 * Ingest: how deep a finding may nest (objects and arrays). Assumption (the broker's choice): ASFF's
 * deepest members (Resources[].Details.<type>.<list>[].<object>...) stay under about 10 levels in the
 * botocore securityhub model; 32 leaves room and keeps validation, which recurses, far from any stack
 * limit. A deeper finding is refused alone, with rule maxDepth.
 */
export const MAX_FINDING_DEPTH = 32;

/**
 * Ingest replies: issues listed per finding (errors, and as many warnings), characters per message,
 * and the bytes of issues beyond each finding's first error: half the request's size, at least this.
 * Assumption (the broker's choice): enough to fix a finding in one round, while the reply stays far
 * under Lambda's 6 MB response limit (at most 1,000 first errors of 300 characters, about 0.4 MB,
 * plus half a request under 6 MB). What is left out is counted in the reply.
 */
export const MAX_ISSUES_PER_FINDING = 10;
export const MAX_ISSUE_MESSAGE_CHARS = 300;
export const MIN_REPLY_ISSUE_BYTES = 32 * 1024;

/**
 * Ingest: items in any one array of a finding. The botocore securityhub model's largest maxItems is
 * 100 (Resources is 32), so no finding Security Hub accepts comes near this; it exists because the
 * schema validator collects an error per bad item at a cost that grows with the square of their
 * number (80,000 empty Resources in 240 KB took about three minutes). Assumption (the broker's
 * choice): 2,000, where validation stays in milliseconds.
 */
export const MAX_ARRAY_ITEMS = 2_000;

/**
 * How long findings may keep being re-queued because their account's import quota is spent
 * (throttled by Security Hub, or no time left in an invocation to wait for it) before they are
 * dead-lettered with the throttling reason. Re-queuing spends no receive, so without a bound a quota
 * taken for good by another tool would keep findings circling. Assumption (the broker's choice): 6
 * hours, long past any burst of traffic, well within the delivery queue's 4-day retention.
 */
export const MAX_DEFERRAL_MS = 6 * 3600 * 1000;

/**
 * Time an invocation keeps, after its last wait for a quota, to send dead letters and re-queued
 * findings and to answer (the function's timeout is 120 s; half of a shorter one, as in local runs
 * with short visibility timeouts): waits past it are not started.
 */
export const DELIVERY_SETTLE_MARGIN_MS = 15_000;
/**
 * At most this long an invocation waits for quotas: the FIFO queue holds back each message group of
 * the batch until the invocation ends, so a batch that mixes a busy account with quiet ones must not
 * keep the quiet ones waiting long. Findings still waiting then are re-queued (no receive spent).
 * Assumption (the broker's choice): 10 s, five times what a batch of ten 256 KiB messages of one
 * quota (about 20 calls) needs at 10 calls/s, so only a quota shared with another tool runs into it.
 */
export const DELIVERY_PACING_BUDGET_MS = 10_000;

/**
 * Records per deliver invocation: the most a FIFO queue's event source mapping hands over ("For FIFO
 * queues, the maximum is 10"; "Batching window is not supported for FIFO queues": Lambda developer
 * guide, "Lambda parameters for Amazon SQS event source mappings"). The CDK mapping and the local
 * poller use it, and deliver reads a batch this full as a backlog of its quotas.
 */
export const FIFO_MAX_BATCH = 10;

/**
 * Change-only delivery re-imports a finding whose content has not changed once its last import is
 * this old, so Security Hub keeps it: "Existing active findings are deleted after 90 days" without an
 * update (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-data-retention.html;
 * securityhub-findings-update-types.html: "Security Hub retains an existing finding ... for 90 days
 * after the most recent value of the UpdatedAt"). Assumption (the broker's choice): a day, far inside
 * the 90, and at most one billed re-import a day per unchanged finding.
 */
export const CHANGE_REFRESH_MS = 24 * 3600 * 1000;
