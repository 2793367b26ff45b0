/**
 * `dlq` commands: look at the dead-letter queue (list, summary), send findings back out (redrive),
 * drop them (purge), and the audit log of who did which. Built on shared/redrive/: every walk holds
 * the messages it looks at and releases them when it ends, an interruption (SIGINT, SIGTERM) included.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { AuditRecord } from '#shared/redrive/audit-log.js';
import type { DeadLetterView } from '#shared/redrive/dead-letter-view.js';
import { describeFilter, type DlqFilter } from '#shared/redrive/dlq-filter.js';
import {
  listDeadLetters, purgeDeadLetters, redriveDeadLetters, summarizeDeadLetters, type DlqSummary, type Group, type OperationOptions, type Progress,
} from '#shared/redrive/dlq-operations.js';
import { approximateCount, type DlqQueues } from '#shared/redrive/dlq-receiver.js';
import { cancelMoveTask, listMoveTasks, startMoveAll } from '#shared/redrive/move-task.js';
import type { Context, Runner } from './context.js';
import { collect, duration, integer, positiveNumber } from './options.js';
import { describeError, filterText, humanAge, oneLine, plural, table, truncate, usageError, type Output } from './output.js';
import { ProgressBar } from './progress.js';

interface FilterOptions {
  account?: string[];
  region?: string[];
  product?: string[];
  partner?: string[];
  errorCode?: string[];
  submission?: string[];
  messageId?: string[];
  olderThan?: number;
  maxMessages?: number;
  visibilityTimeout: number;
}

/** The filters and walk limits list, summary, redrive and purge share. */
function withFilters(command: Command): Command {
  return command
    .option('--account <id>', 'the customer account (repeatable, or comma-separated)', collect)
    .option('--region <region>', 'the findings\' Region (repeatable); the AWS client\'s Region is --aws-region', collect)
    .option('--product <key-or-arn>', 'company/product or a product ARN (repeatable)', collect)
    .option('--partner <id>', 'the partner (repeatable)', collect)
    .option('--error-code <code>', 'the ErrorCode, e.g. AssumeRoleDenied, RetriesExhausted (repeatable)', collect)
    .option('--submission <id>', 'the submission id (repeatable)', collect)
    .option('--message-id <id>', 'the SQS message id (repeatable)', collect)
    .option('--older-than <duration>', 'last failed at least this long ago: 30m, 2h, 7d', duration)
    .option('--max-messages <n>', 'look at no more than this many messages', integer(1))
    .option('--visibility-timeout <seconds>', 'how long looked-at messages stay hidden if the CLI dies; they are released as soon as it ends', integer(0, 43_200), 60);
}

function filterOf(options: FilterOptions): DlqFilter {
  return {
    ...(options.account ? { accounts: options.account } : {}),
    ...(options.region ? { regions: options.region } : {}),
    ...(options.product ? { products: options.product } : {}),
    ...(options.partner ? { partners: options.partner } : {}),
    ...(options.errorCode ? { errorCodes: options.errorCode } : {}),
    ...(options.submission ? { submissions: options.submission } : {}),
    ...(options.messageId ? { messageIds: options.messageId } : {}),
    ...(options.olderThan !== undefined ? { olderThanMs: options.olderThan } : {}),
  };
}

const hasFilter = (filter: DlqFilter): boolean => Object.keys(describeFilter(filter)).length > 0;
/** `matching accounts=A errorCodes=X`, or `from the whole DLQ`. */
const matching = (described: Record<string, unknown>): string => (Object.keys(described).length > 0 ? `matching ${filterText(described)}` : 'from the whole DLQ');

/** SIGINT and SIGTERM abort the walk (held messages are released by the domain); a second one leaves at once. */
function interruptible(out: Output): { signal: AbortSignal; interrupted: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      out.note(`${name} again: leaving now; messages still held become visible when their visibility timeout ends.`);
      process.exit(1);
    }
    out.note(`${name}: stopping after the current batch and releasing the messages held...`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    interrupted: () => controller.signal.aborted,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

interface Walked<T> {
  result: T;
  last: Progress | undefined;
  interrupted: boolean;
}

/** Runs one walk with a progress bar (or a final line), interruptible. */
async function walking<T>(
  label: string,
  queues: DlqQueues,
  options: FilterOptions,
  out: Output,
  operation: (walk: OperationOptions) => Promise<T>,
  finalLine: (walked: Walked<T>) => string,
): Promise<Walked<T>> {
  const total = await approximateCount(queues.sqs, queues.deadLetterQueueUrl);
  const bar = new ProgressBar(label, total);
  const interruption = interruptible(out);
  let last: Progress | undefined;
  const filter = filterOf(options);
  try {
    const result = await operation({
      // What reaches the DLQ during the walk (a redriven message failing again) is not walked: the
      // walk itself leaves it for later (shared/redrive/dlq-receiver.ts).
      filter,
      visibilityTimeoutSeconds: options.visibilityTimeout,
      ...(options.maxMessages !== undefined ? { maxMessages: options.maxMessages } : {}),
      signal: interruption.signal,
      onProgress: (progress) => {
        last = progress;
        bar.update(progress);
      },
    });
    const walked = { result, last, interrupted: interruption.interrupted() };
    bar.finish(finalLine(walked));
    return walked;
  } catch (error) {
    bar.finish('Stopped by an error; the messages held were released.');
    throw error;
  } finally {
    interruption.dispose();
  }
}

/** Why a walk did not see the whole queue, for the final line. */
function cutShort(complete: boolean, interrupted: boolean, options: FilterOptions): string {
  if (interrupted) return ' Interrupted: run it again for the rest.';
  if (!complete) return options.maxMessages !== undefined ? ` Stopped at --max-messages ${options.maxMessages}.` : ' Stopped before the end of the queue.';
  return '';
}

const time = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

function listText(views: DeadLetterView[], filter: DlqFilter): string {
  if (views.length === 0) return hasFilter(filter) ? `No dead letters match ${filterText(describeFilter(filter))}.` : 'The DLQ is empty.';
  const rows = views.map((view) => [view.messageId, view.accountId || '-', view.region || '-', view.productKey || '-', view.partnerId || '-',
    view.submissionId || '-', view.errorCode, String(view.findingCount), String(view.attempts), String(view.redriveCount), time(view.firstFailedAt), time(view.lastFailedAt)]);
  const [header, ...lines] = table(['MESSAGE ID', 'ACCOUNT', 'REGION', 'PRODUCT', 'PARTNER', 'SUBMISSION', 'ERROR CODE', 'FINDINGS', 'ATTEMPTS',
    'REDRIVES', 'FIRST FAILURE', 'LAST FAILURE'], rows).split('\n');
  return [header!, ...lines.flatMap((line, index) => [line, `    ${truncate(oneLine(views[index]!.errorMessage), 160)}`])].join('\n');
}

function summaryText(summary: DlqSummary, now: number): string {
  if (summary.messages === 0) return 'No dead letters.';
  const age = (iso: string) => humanAge(now - Date.parse(iso));
  const groups = (title: string, byKey: Record<string, Group>) => table([title, 'MESSAGES', 'FINDINGS', 'OLDEST'],
    Object.entries(byKey).sort(([, a], [, b]) => b.findings - a.findings)
      .map(([key, group]) => [key, String(group.messages), String(group.findings), age(group.oldestFailedAt)]));
  return [
    `${plural(summary.messages, 'message')}, ${plural(summary.findings, 'finding')}; the oldest first failed ${age(summary.oldestFailedAt!)} ago (${time(summary.oldestFailedAt!)}).`,
    '', groups('ACCOUNT', summary.byAccount), '', groups('ERROR CODE', summary.byErrorCode), '', groups('PARTNER', summary.byPartner),
  ].join('\n');
}

/** Writes the audit record; a failure to write it is reported, not hidden (exit 1), after the result. */
async function audit(ctx: Context, out: Output, record: Omit<AuditRecord, 'at' | 'by'>, by: string): Promise<number> {
  try {
    await (await ctx.auditLog()).record({ ...record, by, at: new Date().toISOString() });
    return 0;
  } catch (error) {
    out.note(`The audit record could not be written: ${describeError(error).message}`);
    return 1;
  }
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

type RedriveOptions = FilterOptions & { dryRun?: boolean; rate?: number; all?: boolean };
type PurgeOptions = FilterOptions & { yes?: boolean; all?: boolean };

export function registerDlqCommands(program: Command, run: Runner): void {
  const dlq = program.command('dlq').description('the dead-letter queue: list, summary, redrive, purge, audit, move-status, move-cancel');

  withFilters(dlq.command('list').description('one line per matching message (with --json, every field and the finding ids); nothing is consumed'))
    .action(run<FilterOptions>(async ({ options, ctx, out }) => {
      const queues = await ctx.queues(false);
      const views: DeadLetterView[] = [];
      const walked = await walking('Listing', queues, options, out, (walk) => listDeadLetters(queues, walk, (view) => views.push(view)),
        ({ result, interrupted }) => `Listed ${plural(result.matchedMessages, 'message')} (${plural(result.matchedFindings, 'finding')}) of ${result.messages} looked at.${cutShort(result.complete, interrupted, options)}`);
      out.result(views, () => listText(views, filterOf(options)));
      return walked.interrupted ? 1 : 0;
    }));

  withFilters(dlq.command('summary').description('totals by account, error code and partner, with the oldest failure'))
    .action(run<FilterOptions>(async ({ options, ctx, out }) => {
      const queues = await ctx.queues(false);
      const walked = await walking('Summarising', queues, options, out, (walk) => summarizeDeadLetters(queues, walk),
        ({ result, last, interrupted }) => `Counted ${plural(result.messages, 'message')} (${plural(result.findings, 'finding')}) of ${last?.messages ?? 0} looked at.${cutShort(
          !interrupted && (options.maxMessages === undefined || (last?.messages ?? 0) < options.maxMessages), interrupted, options)}`);
      const filter = describeFilter(filterOf(options));
      out.result({ ...walked.result, filter }, () => summaryText(walked.result, Date.now()));
      return walked.interrupted ? 1 : 0;
    }));

  withFilters(dlq.command('redrive').description('sends matching messages back to the delivery queue, with their history; audited'))
    .option('--dry-run', 'show what would move; move nothing')
    .option('--rate <findings-per-second>', 'pace the redrive so fresh traffic keeps flowing', positiveNumber)
    .option('--all', 'the whole DLQ (no filters): an SQS message move task where SQS has them, else a walk')
    .action(run<RedriveOptions>(async ({ options, ctx, out }) => {
      const filter = filterOf(options);
      if (options.all && hasFilter(filter)) throw usageError('--all redrives the whole DLQ: leave out the filters, or drop --all.');
      if (!options.all && !hasFilter(filter)) throw usageError('Say what to redrive with a filter (--account, --error-code, --older-than, ...), or pass --all for the whole DLQ.');
      const queues = await ctx.queues(true);
      await ctx.auditLog();
      const by = await ctx.callerArn();
      const action = options.all ? 'redrive-all' : 'redrive';

      if (options.all && !options.dryRun && options.maxMessages === undefined) {
        const moveQueues = await ctx.moveQueues();
        const approximate = await approximateCount(queues.sqs, queues.deadLetterQueueUrl);
        const start = await startMoveAll(moveQueues, options.rate);
        if (start.started) {
          const audited = await audit(ctx, out, {
            action, filter: {}, messages: approximate, findings: 0,
            note: `SQS message move task ${start.taskHandle}: messages is SQS's approximate count at the start; findings are not counted; history is not updated`,
          }, by);
          out.result({ via: 'move-task', taskHandle: start.taskHandle, approximateMessages: approximate }, () => [
            `Started an SQS message move task for about ${plural(approximate, 'message')} to the delivery queue.`,
            `Task handle: ${start.taskHandle}`,
            'Follow it with `npm run broker-admin -- dlq move-status`; stop it with `npm run broker-admin -- dlq move-cancel --task-handle <handle>`.',
          ].join('\n'));
          return audited;
        }
        out.note(`No move task: ${start.reason}. Redriving by walking the queue instead, with no filter.`);
      }

      const walked = await walking(options.dryRun ? 'Redrive (dry run)' : 'Redriving', queues, options, out,
        (walk) => redriveDeadLetters(queues, { ...walk, ...(options.dryRun ? { dryRun: true } : {}), ...(options.rate ? { findingsPerSecond: options.rate } : {}) }),
        ({ result, interrupted }) => `${result.dryRun ? 'Would redrive' : 'Redrove'} ${plural(result.matchedMessages, 'message')} (${plural(result.matchedFindings, 'finding')}) of ${result.messages} looked at${
          result.failedMessages ? `; ${plural(result.failedMessages, 'message')} could not be sent and stay in the DLQ` : ''}.${cutShort(result.complete, interrupted, options)}`);
      const report = walked.result;
      const described = describeFilter(filter);
      const audited = await audit(ctx, out, {
        action, filter: described, messages: report.matchedMessages, findings: report.matchedFindings,
        ...(report.dryRun ? { dryRun: true } : {}),
        ...(walked.interrupted ? { note: 'interrupted' } : report.failedMessages ? { note: `${report.failedMessages} messages could not be sent` } : {}),
      }, by);
      out.result({ via: 'walk', filter: described, ...report, interrupted: walked.interrupted }, () => [
        report.dryRun
          ? `Dry run: ${plural(report.matchedMessages, 'message')} (${plural(report.matchedFindings, 'finding')}) ${matching(described)} would go back to the delivery queue; nothing moved.`
          : `${plural(report.matchedMessages, 'message')} (${plural(report.matchedFindings, 'finding')}) ${matching(described)} went back to the delivery queue.`,
        ...(report.failedMessages ? [`${plural(report.failedMessages, 'message')} could not be sent; they stay in the DLQ: run the command again.`] : []),
      ].join('\n'));
      return walked.interrupted || report.failedMessages > 0 ? 1 : audited;
    }));

  withFilters(dlq.command('purge').description('deletes matching messages for good, after confirmation (or --yes); audited'))
    .option('--yes', 'do not ask (required when stdin is not a terminal)')
    .option('--all', 'the whole DLQ (no filters)')
    .action(run<PurgeOptions>(async ({ options, ctx, out }) => {
      const filter = filterOf(options);
      if (options.all && hasFilter(filter)) throw usageError('--all purges the whole DLQ: leave out the filters, or drop --all.');
      if (!options.all && !hasFilter(filter)) throw usageError('Say what to purge with a filter (--account, --error-code, --older-than, ...), or pass --all for the whole DLQ.');
      if (!options.yes && !process.stdin.isTTY) throw usageError('Purge deletes findings for good and stdin is not a terminal to confirm: pass --yes.');
      const queues = await ctx.queues(false);
      await ctx.auditLog();
      const by = await ctx.callerArn();
      const described = describeFilter(filter);
      if (!options.yes) {
        const counted = await walking('Counting', queues, options, out, (walk) => summarizeDeadLetters(queues, walk),
          ({ result }) => `Counted ${plural(result.messages, 'message')} (${plural(result.findings, 'finding')}) ${matching(described)}.`);
        if (counted.interrupted) return 1;
        const declined = { filter: described, confirmed: false, matchedMessages: 0, matchedFindings: 0 };
        if (counted.result.messages === 0) {
          out.result(declined, () => 'Nothing to purge.');
          return 0;
        }
        if (!(await confirm(`Purge ${plural(counted.result.messages, 'message')} / ${plural(counted.result.findings, 'finding')} ${matching(described)}? [y/N] `))) {
          out.result(declined, () => 'Nothing purged.');
          return 0;
        }
      }
      const walked = await walking('Purging', queues, options, out, (walk) => purgeDeadLetters(queues, walk),
        ({ result, interrupted }) => `Purged ${plural(result.matchedMessages, 'message')} (${plural(result.matchedFindings, 'finding')}) of ${result.messages} looked at.${cutShort(result.complete, interrupted, options)}`);
      const report = walked.result;
      const audited = await audit(ctx, out, {
        action: 'purge', filter: described, messages: report.matchedMessages, findings: report.matchedFindings, ...(walked.interrupted ? { note: 'interrupted' } : {}),
      }, by);
      out.result({ filter: described, confirmed: true, ...report, interrupted: walked.interrupted }, () =>
        `Purged ${plural(report.matchedMessages, 'message')} (${plural(report.matchedFindings, 'finding')}) ${matching(described)}.`);
      return walked.interrupted ? 1 : audited;
    }));

  dlq.command('audit').description('who purged and redrove what, most recent first')
    .option('--limit <n>', 'how many records', integer(1, 1000), 50)
    .action(run<{ limit: number }>(async ({ options, ctx, out }) => {
      const records = await (await ctx.auditLog()).list(options.limit);
      out.result(records, () => (records.length === 0 ? 'No DLQ operations recorded yet.' : table(['AT', 'ACTION', 'BY', 'MESSAGES', 'FINDINGS', 'FILTER', 'NOTE'],
        records.map((record) => [time(record.at), `${record.action}${record.dryRun ? ' (dry run)' : ''}`, record.by, String(record.messages), String(record.findings),
          filterText(record.filter), record.note ?? '']))));
    }));

  dlq.command('move-status').description('the DLQ\'s SQS message move tasks (redrive --all), most recent first')
    .action(run<object>(async ({ ctx, out }) => {
      const tasks = await listMoveTasks(await ctx.moveQueues());
      if ('unsupported' in tasks) {
        // Not a failure: there is simply nothing of the kind here (redrive --all walks the queue instead).
        out.result(tasks, () => `No move tasks: ${tasks.unsupported}.`);
        return 0;
      }
      out.result(tasks, () => (tasks.length === 0 ? 'No move tasks.' : table(['TASK HANDLE', 'STATUS', 'MOVED', 'TO MOVE', 'STARTED', 'FAILURE'],
        tasks.map((task) => [task.taskHandle ?? '-', task.status ?? '-', String(task.movedMessages ?? '-'), String(task.toMove ?? '-'), task.startedAt ?? '-', task.failureReason ?? '']))));
    }));

  dlq.command('move-cancel').description('cancels a running move task; what it moved stays moved')
    .requiredOption('--task-handle <handle>', 'from redrive --all or move-status')
    .action(run<{ taskHandle: string }>(async ({ options, ctx, out }) => {
      const moved = await cancelMoveTask(await ctx.sqs(), options.taskHandle);
      out.result({ cancelled: options.taskHandle, movedMessages: moved }, () => `Cancelled move task ${options.taskHandle}; about ${plural(moved, 'message')} had moved.`);
    }));
}
