import type { SubmissionReply } from '#shared/ingest/submit-findings.js';

/**
 * The HTTP status that sums up a submission: 202 all queued (ignored ones aside), 200 nothing to queue
 * (all ignored), 207 mixed, 400 none valid, 503 none queued. A dry run: 200 all valid, 207 mixed, 400 none.
 */
export function submissionStatus(reply: SubmissionReply): number {
  if (reply.dryRun) return reply.rejected === 0 ? 200 : reply.accepted === 0 ? 400 : 207;
  if (reply.rejected === 0 && reply.failed === 0) return reply.accepted > 0 ? 202 : 200;
  if (reply.accepted > 0 || reply.ignored > 0) return 207;
  return reply.failed > 0 ? 503 : 400;
}
