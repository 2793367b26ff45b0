import type { FindingIssue } from '../asff/validate.js';
import { MAX_ISSUES_PER_FINDING, MAX_ISSUE_MESSAGE_CHARS, MIN_REPLY_ISSUE_BYTES } from '../limits.js';

interface Judged {
  errors?: FindingIssue[];
  warnings?: FindingIssue[];
  /** Errors and warnings of this finding not listed (over the per-finding or per-reply bound). */
  moreErrors?: number;
  moreWarnings?: number;
}

const cut = (text: string): string => (text.length > MAX_ISSUE_MESSAGE_CHARS ? `${text.slice(0, MAX_ISSUE_MESSAGE_CHARS)}…` : text);

/** An issue's message and path (which can name a partner's key of any length) clipped. */
function clip(issue: FindingIssue): FindingIssue {
  return { ...issue, path: cut(issue.path), message: cut(issue.message) };
}

const sizeOf = (issue: FindingIssue): number => Buffer.byteLength(JSON.stringify(issue));

/**
 * Keeps a reply bounded by the request that caused it: at most MAX_ISSUES_PER_FINDING errors and as
 * many warnings per finding, and issues beyond each finding's first error only while they fit half
 * the request's size (at least MIN_REPLY_ISSUE_BYTES). Every rejected finding keeps its first error,
 * so no finding is left without a reason. What is left out is counted, per finding (`moreErrors`,
 * `moreWarnings`) and for the reply (the returned total).
 */
export function boundIssues<T extends Judged>(results: T[], requestBytes: number): { results: T[]; unlisted: number } {
  let budget = Math.max(MIN_REPLY_ISSUE_BYTES, Math.floor(requestBytes / 2));
  let unlisted = 0;
  const bounded = results.map((result) => {
    const errors = result.errors ?? [];
    const warnings = result.warnings ?? [];
    const keptErrors: FindingIssue[] = [];
    for (const issue of errors.slice(0, MAX_ISSUES_PER_FINDING).map(clip)) {
      const size = sizeOf(issue);
      if (keptErrors.length > 0 && size > budget) break;
      keptErrors.push(issue);
      budget = Math.max(0, budget - size);
    }
    const keptWarnings: FindingIssue[] = [];
    for (const issue of warnings.slice(0, MAX_ISSUES_PER_FINDING).map(clip)) {
      const size = sizeOf(issue);
      if (size > budget) break;
      keptWarnings.push(issue);
      budget -= size;
    }
    const moreErrors = errors.length - keptErrors.length;
    const moreWarnings = warnings.length - keptWarnings.length;
    unlisted += moreErrors + moreWarnings;
    const { errors: _e, warnings: _w, ...rest } = result;
    // A finding's own Id is echoed only up to the same bound (Security Hub's Id is at most 512 characters).
    const id = (rest as { id?: unknown }).id;
    return {
      ...rest,
      ...(typeof id === 'string' ? { id: cut(id) } : {}),
      ...(keptErrors.length > 0 ? { errors: keptErrors } : {}),
      ...(keptWarnings.length > 0 ? { warnings: keptWarnings } : {}),
      ...(moreErrors > 0 ? { moreErrors } : {}),
      ...(moreWarnings > 0 ? { moreWarnings } : {}),
    } as T;
  });
  return { results: bounded, unlisted };
}
