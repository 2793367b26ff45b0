import * as z from 'zod/mini';
import { BadRequestError, NotFoundError } from '#shared/errors.js';
import type { FindingFate, Ledger, SubmissionSummary } from '#shared/ledger/ledger-model.js';

/** Findings listed in one submission's reply (each non-import with its code and fix); the rest are counted in `moreFindings`. */
const FINDINGS_PER_REPLY = 100;
/** Submissions listed by default and at most, per request. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
/** How far back `GET /v1/submissions` looks without `since`. */
const DEFAULT_SINCE_MS = 24 * 3600 * 1000;

const SUBMISSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function notFound(submissionId: string): NotFoundError {
  return new NotFoundError('SubmissionNotFound',
    `No submission ${submissionId} of yours is on record: check the id from your POST reply. Submissions are kept 14 days, and each partner sees only its own.`);
}

const FATE_NAMES: Record<FindingFate['fate'], string> = {
  imported: 'imported', 'dead-lettered': 'deadLettered', ignored: 'ignored', unchanged: 'unchanged', rejected: 'rejected', failed: 'failed',
};

/** `GET /v1/submissions/{submissionId}`: counts by fate, and each finding that did not import with its code and the fix. */
export async function readSubmission(ledger: Ledger, partnerId: string, submissionId: string | undefined) {
  if (!submissionId || !SUBMISSION_ID.test(submissionId)) throw notFound(String(submissionId ?? ''));
  const view = await ledger.submission(partnerId, submissionId, FINDINGS_PER_REPLY);
  if (!view) throw notFound(submissionId);
  const { counts } = view;
  return {
    ...summaryReply(view),
    counts: { queued: counts.queued, imported: counts.imported, deadLettered: counts['dead-lettered'], ignored: counts.ignored,
      unchanged: counts.unchanged, rejected: counts.rejected, failed: counts.failed },
    findings: view.findings.map((fate) => ({
      ...(fate.key.index === undefined ? {} : { index: fate.key.index }),
      ...(fate.key.id === undefined ? {} : { id: fate.key.id }),
      ...(fate.key.accountId === undefined ? {} : { awsAccountId: fate.key.accountId }),
      ...(fate.key.productArn === undefined ? {} : { productArn: fate.key.productArn }),
      fate: FATE_NAMES[fate.fate], ...(fate.code ? { code: fate.code } : {}), ...(fate.message ? { message: fate.message } : {}),
      at: new Date(fate.at).toISOString(),
    })),
    ...(view.more > 0 ? { moreFindings: view.more } : {}),
  };
}

function summaryReply(summary: SubmissionSummary) {
  return { submissionId: summary.submissionId, createdAt: summary.createdAt, posted: summary.posted, accepted: summary.accepted,
    ...(summary.scanId ? { scanId: summary.scanId } : {}) };
}

const listQuery = z.object({
  since: z.optional(z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date-time, e.g. 2026-11-30T00:00:00Z'))),
  limit: z.optional(z.coerce.number().check(z.int('must be a whole number'), z.minimum(1, 'must be at least 1'), z.maximum(MAX_LIMIT, `must be at most ${MAX_LIMIT}`))),
});

/** `GET /v1/submissions?since=&limit=`: the partner's submissions since a time (default: the last 24 hours), oldest first. */
export async function listSubmissions(ledger: Ledger, partnerId: string, query: Record<string, string | undefined>, now = Date.now()) {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadRequestError('InvalidParameter', `Query parameter ${issue.path.join('.')}: ${issue.message}.`);
  }
  const since = new Date(parsed.data.since ? Date.parse(parsed.data.since) : now - DEFAULT_SINCE_MS).toISOString();
  const limit = parsed.data.limit ?? DEFAULT_LIMIT;
  const submissions = await ledger.submissions(partnerId, since, limit);
  return { since, submissions: submissions.map(summaryReply) };
}
