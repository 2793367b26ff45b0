import type { DeliveryMode } from '../registry/model.js';

/**
 * The account+Region whose BatchImportFindings quota (10 requests/s, burst 30 "per account per
 * Region", finding-update-batchimportfindings.html) an import spends: the calling account's, not
 * the finding's. In `partner-account` mode the broker calls from the partner product's own account
 * for every customer, so all those customers share one quota per Region; in the other modes the
 * caller is the customer's account (the assumed role's, or the broker deployed inside it).
 *
 * It is also the delivery queue's MessageGroupId (infra/cdk/constructs/queues.ts): SQS FIFO hands
 * one group's messages to one consumer at a time, so each quota is paced by exactly one invocation.
 * A group id is 1-128 of alphanumerics and punctuation (botocore sqs/2012-11-05/service-2.json,
 * SendMessageRequest.MessageGroupId); account ids, "/" and Region names qualify.
 */
export function quotaKeyOf(mode: DeliveryMode, accountId: string, region: string): string {
  return mode === 'partner-account' ? `${PARTNER_ACCOUNT_CALLER}/${region}` : `${accountId}/${region}`;
}

/** The caller in partner-account mode: the broker's own (the partner's) account, the same for every customer. */
export const PARTNER_ACCOUNT_CALLER = 'partner-account';
