import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupAttributes, messageGroupIdOf, type DeliveryMessage, type RedriveHistory } from '../queue/delivery-message.js';
import { sendMessages } from '../queue/sqs-sender.js';
import type { DeadLetterView } from './dead-letter-view.js';
import { matches, type DlqFilter } from './dlq-filter.js';
import { DeadLetterWalk, type DlqQueues, type ReceiveOptions, type ReceivedDeadLetter } from './dlq-receiver.js';

export interface Progress {
  /** Messages and findings looked at so far. */
  messages: number;
  findings: number;
  /** Of those, the ones the filter matched and the operation handled (listed, redriven, purged). */
  matchedMessages: number;
  matchedFindings: number;
  /** True when the walk saw the whole queue (no limit, time budget or abort cut it short). */
  complete: boolean;
}

export interface OperationOptions extends ReceiveOptions {
  filter?: DlqFilter;
  now?: () => number;
  onProgress?: (progress: Progress) => void;
}

type Handled = { messages: number; findings: number };

/**
 * One walk over the DLQ: messages the filter does not match are held (and released at the end, when
 * they become visible again at once); matching ones go to `handle`, which consumes what it can and
 * holds the rest. Held messages are released whatever happens, an error or an abort included.
 */
async function walk(
  queues: DlqQueues,
  options: OperationOptions,
  handle: (matched: ReceivedDeadLetter[], walker: DeadLetterWalk) => Promise<Handled>,
): Promise<Progress> {
  const walker = new DeadLetterWalk(queues, options);
  const progress: Progress = { messages: 0, findings: 0, matchedMessages: 0, matchedFindings: 0, complete: false };
  const now = options.now ?? Date.now;
  try {
    for await (const batch of walker.batches()) {
      const matched: ReceivedDeadLetter[] = [];
      for (const item of batch) {
        progress.messages += 1;
        progress.findings += item.view.findingCount;
        if (matches(options.filter ?? {}, item.view, now())) matched.push(item);
        else walker.hold(item.message);
      }
      if (matched.length > 0) {
        const handled = await handle(matched, walker);
        progress.matchedMessages += handled.messages;
        progress.matchedFindings += handled.findings;
      }
      options.onProgress?.({ ...progress });
    }
  } finally {
    await walker.release();
  }
  progress.complete = walker.endedBy === 'queue-walked';
  return progress;
}

/** Lists matching messages without consuming them: every one is visible again when the walk ends. */
export async function listDeadLetters(queues: DlqQueues, options: OperationOptions, onView: (view: DeadLetterView) => void): Promise<Progress> {
  return walk(queues, options, async (matched, walker) => {
    for (const item of matched) {
      onView(item.view);
      walker.hold(item.message);
    }
    return { messages: matched.length, findings: matched.reduce((sum, item) => sum + item.view.findingCount, 0) };
  });
}

export interface Group {
  messages: number;
  findings: number;
  /** The oldest first failure in the group. */
  oldestFailedAt: string;
}

export interface DlqSummary {
  messages: number;
  findings: number;
  oldestFailedAt: string | null;
  byAccount: Record<string, Group>;
  byErrorCode: Record<string, Group>;
  byPartner: Record<string, Group>;
}

/** Counts of messages and findings, and the oldest failure, by account, by error code and by partner. */
export async function summarizeDeadLetters(queues: DlqQueues, options: OperationOptions): Promise<DlqSummary> {
  const summary: DlqSummary = { messages: 0, findings: 0, oldestFailedAt: null, byAccount: {}, byErrorCode: {}, byPartner: {} };
  const add = (groups: Record<string, Group>, key: string, view: DeadLetterView) => {
    const group = (groups[key] ??= { messages: 0, findings: 0, oldestFailedAt: view.firstFailedAt });
    group.messages += 1;
    group.findings += view.findingCount;
    if (view.firstFailedAt < group.oldestFailedAt) group.oldestFailedAt = view.firstFailedAt;
  };
  await listDeadLetters(queues, options, (view) => {
    summary.messages += 1;
    summary.findings += view.findingCount;
    if (summary.oldestFailedAt === null || view.firstFailedAt < summary.oldestFailedAt) summary.oldestFailedAt = view.firstFailedAt;
    add(summary.byAccount, view.accountId || '(none)', view);
    add(summary.byErrorCode, view.errorCode, view);
    add(summary.byPartner, view.partnerId || '(none)', view);
  });
  return summary;
}

export interface RedriveOptions extends OperationOptions {
  /** Show what would move, move nothing. */
  dryRun?: boolean;
  /** At most this many findings a second go back to the delivery queue, so fresh traffic keeps flowing. */
  findingsPerSecond?: number;
}

export interface RedriveReport extends Progress {
  /** Matching messages that could not be sent back: they stay in the DLQ. */
  failedMessages: number;
  dryRun: boolean;
}

/**
 * The body a redriven message goes back with: unchanged findings and scope, plus its history (the
 * first failure, kept from the first dead-lettering on, and one more redrive), so deliver can carry
 * the whole story if it fails again.
 */
export function redrivenMessage(item: ReceivedDeadLetter): DeliveryMessage {
  const delivery = item.delivery!;
  const history: RedriveHistory = delivery.history
    ? { ...delivery.history, redrives: delivery.history.redrives + 1 }
    : { firstFailedAt: item.view.firstFailedAt, firstErrorCode: item.view.errorCode, firstErrorMessage: item.view.errorMessage, redrives: 1 };
  // A redrive starts the findings' wait for their quota and their attempts afresh (record-fate.ts).
  const { deferredSince: _deferredSince, attempts: _attempts, ...rest } = delivery;
  return { ...rest, history };
}

/**
 * Sends matching messages back to the delivery queue and deletes each from the DLQ only after its
 * send succeeded (at least once: a crash between the two leaves it in both places, and the duplicate
 * is harmless, since Security Hub ignores a finding whose UpdatedAt is not later than the stored one).
 * Messages that are not delivery messages are never sent: they stay for a purge.
 */
export async function redriveDeadLetters(queues: DlqQueues, options: RedriveOptions): Promise<RedriveReport> {
  let failedMessages = 0;
  const started = Date.now();
  let sentFindings = 0;
  const progress = await walk(queues, options, async (matched, walker) => {
    const movable = matched.filter((item) => item.delivery !== undefined);
    for (const item of matched) if (!item.delivery) walker.hold(item.message);
    if (options.dryRun) {
      for (const item of movable) walker.hold(item.message);
      return { messages: movable.length, findings: movable.reduce((sum, item) => sum + item.view.findingCount, 0) };
    }
    const outgoing = movable.map((item) => {
      const message = redrivenMessage(item);
      const { v: _v, findings: _f, history: _h, ...group } = message;
      return { body: JSON.stringify(message), attributes: groupAttributes(group), groupId: messageGroupIdOf(group), deduplicationId: randomUUID() };
    });
    const { failed } = await sendMessages(queues.sqs, queues.deliveryQueueUrl, outgoing);
    const unsent = new Set(failed.map(({ index }) => index));
    const sent = movable.filter((_, index) => !unsent.has(index));
    for (const index of unsent) walker.hold(movable[index]!.message);
    const notDeleted = await walker.delete(sent.map((item) => item.message));
    failedMessages += unsent.size;
    const done = sent.filter((item) => !notDeleted.has(item.message.MessageId!));
    const findings = done.reduce((sum, item) => sum + item.view.findingCount, 0);
    sentFindings += findings;
    if (options.findingsPerSecond) {
      const due = (sentFindings / options.findingsPerSecond) * 1000 - (Date.now() - started);
      if (due > 0) await sleep(due, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
    }
    return { messages: done.length, findings };
  });
  return { ...progress, failedMessages, dryRun: options.dryRun ?? false };
}

/** Deletes matching messages for good. The caller writes the audit record (who, when, the filter, how many). */
export async function purgeDeadLetters(queues: DlqQueues, options: OperationOptions): Promise<Progress> {
  return walk(queues, options, async (matched, walker) => {
    const notDeleted = await walker.delete(matched.map((item) => item.message));
    const done = matched.filter((item) => !notDeleted.has(item.message.MessageId!));
    return { messages: done.length, findings: done.reduce((sum, item) => sum + item.view.findingCount, 0) };
  });
}
