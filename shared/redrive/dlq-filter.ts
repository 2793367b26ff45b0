import type { DeadLetterView } from './dead-letter-view.js';

/**
 * Which DLQ messages an operation applies to: each given field must match (AND), any of its values
 * (OR). An empty filter matches every message.
 */
export interface DlqFilter {
  accounts?: string[];
  regions?: string[];
  /** Product keys (`company/product`) or product ARNs. */
  products?: string[];
  partners?: string[];
  errorCodes?: string[];
  /** Only messages whose last failure is at least this old. */
  olderThanMs?: number;
  submissions?: string[];
  messageIds?: string[];
  /** Only messages redriven fewer times than this (self-healing stops a finding that keeps failing). */
  maxRedrives?: number;
}

const anyOf = (values: string[] | undefined, ...candidates: string[]): boolean =>
  values === undefined || values.length === 0 || candidates.some((candidate) => values.includes(candidate));

export function matches(filter: DlqFilter, view: DeadLetterView, now: number): boolean {
  return anyOf(filter.accounts, view.accountId)
    && anyOf(filter.regions, view.region)
    && anyOf(filter.products, view.productKey, view.productArn)
    && anyOf(filter.partners, view.partnerId)
    && anyOf(filter.errorCodes, view.errorCode)
    && anyOf(filter.submissions, view.submissionId)
    && anyOf(filter.messageIds, view.messageId)
    && (filter.olderThanMs === undefined || now - Date.parse(view.lastFailedAt) >= filter.olderThanMs)
    && (filter.maxRedrives === undefined || view.redriveCount < filter.maxRedrives);
}

/** The filter as stored in the audit log and shown to the operator: only what was set. */
export function describeFilter(filter: DlqFilter): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)));
}
