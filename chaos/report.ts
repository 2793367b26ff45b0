/**
 * docs/reliability.md and the compact stdout table: scenario x outcome, the way EventBridge documents
 * its delivery guarantees, with what each column means and the guarantees in words.
 */
import { cpus, totalmem, type as osType, release } from 'node:os';
import type { Scenario, ScenarioOutcome, Sizes } from './scenario-kit.js';

export interface ScenarioRow {
  scenario: Scenario;
  outcome: ScenarioOutcome;
  seconds: number;
}

export interface RunInfo {
  startedAt: Date;
  seed: number;
  sizeName: string;
  sizes: Sizes;
  rows: ScenarioRow[];
}

const COLUMNS = ['scenario', 'requests', 'no reply', 'accepted', 'imported', 'dead-lettered', 'lost', 'duplicated', '5xx (bad input)', 'peak RSS MB', 's'] as const;

function cells(row: ScenarioRow): string[] {
  const { tally, peakRssMb, available } = row.outcome;
  if (!available || !tally) return [row.scenario.name, ...Array.from({ length: COLUMNS.length - 2 }, () => '-'), row.seconds.toFixed(0)];
  return [row.scenario.name, String(tally.requests), String(tally.noReply), String(tally.accepted), String(tally.imported),
    String(tally.deadLettered), String(tally.lost), String(tally.duplicated), `${tally.fiveXx} (${tally.fiveXxOnBadInput})`,
    String(peakRssMb ?? '-'), row.seconds.toFixed(0)];
}

export function stdoutTable(rows: ScenarioRow[]): string {
  const table = [[...COLUMNS], ...rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
  return table.map((line) => line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

function reasons(outcome: ScenarioOutcome): string {
  const entries = Object.entries(outcome.tally?.reasons ?? {});
  return entries.length === 0 ? 'none' : entries.map(([code, count]) => `${code} ${count}`).join(', ');
}

export function markdown(run: RunInfo): string {
  const cpu = cpus();
  const held = run.rows.every((row) => !row.outcome.available || (row.outcome.tally?.lost === 0 && row.outcome.tally.fiveXxOnBadInput === 0));
  const lines = [
    '# Reliability: what happens to a finding when things go wrong',
    '',
    'Written by `npm run chaos` (chaos/run.ts); do not edit by hand. Each scenario runs `npm start` as a child',
    'process on a fresh data dir (free ports, 127.0.0.1 only), sends load as a partner would, injects its fault, waits',
    'for the delivery queue to drain and then accounts for every finding.',
    '',
    `- Run: ${run.startedAt.toISOString()}, seed ${run.seed} (\`npm run chaos -- --seed ${run.seed}\` sends the same requests), sizes \`${run.sizeName}\`:`,
    `  ${run.sizes.findings} valid findings per scenario in requests of ${run.sizes.findingsPerRequest}, ${run.sizes.concurrency} requests in flight,`,
    `  ${run.sizes.badRequests} bad requests, a ${run.sizes.soakSeconds} s soak, drain bounded at ${run.sizes.drainTimeoutMs / 1000} s.`,
    `- Machine: ${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${osType()} ${release()}, Node ${process.version}.`,
    '',
    '## Guarantees',
    '',
    '- **Every finding the broker accepted (a reply said `accepted`) ends imported into the customer\'s Security Hub or in',
    '  the dead-letter queue with its reason** (`ErrorCode`, `ErrorMessage`), also when the process is killed with SIGKILL',
    '  mid-delivery or mid-ingest and started again on the same data dir.',
    '- **Delivery is at least once.** A finding may be imported more than once (a batch cut off by a crash, a record whose',
    '  visibility timeout ran out, a retry after a partial failure), always with the same `Id` and `UpdatedAt`, which',
    '  Security Hub ignores: the customer sees it once. A finding is not both imported and dead-lettered, with one',
    '  exception no client can avoid: when the connection drops after Security Hub imported a chunk (the answer is lost)',
    '  and the retries fail too, the chunk is dead-lettered although imported; redriving it imports nothing new.',
    '- **Bad input never gets a 5xx**: malformed, oversized or unauthorised requests get a 4xx that says what is wrong.',
    '  A 5xx means "retry" (503: nothing could be queued).',
    '- **A request cut off with no reply** (the broker died mid-request) may or may not have been queued: send it again.',
    '  Sending again is safe: the same `Id` and `UpdatedAt` import once.',
    '',
    `Result of this run: ${held ? '**0 lost and 0 5xx on bad input in every scenario that ran.**' : '**the promise did not hold in every scenario: see the notes below.**'}`,
    '',
    '## Results',
    '',
    `| ${COLUMNS.join(' | ')} | dead-letter reasons |`,
    `|${COLUMNS.map(() => '---').join('|')}|---|`,
    ...run.rows.map((row) => `| ${cells(row).join(' | ')} | ${row.outcome.available ? reasons(row.outcome) : 'not run'} |`),
    '',
    '## Columns',
    '',
    '- **requests**: POSTs sent to `/v1/findings`, retries of unanswered ones included.',
    '- **no reply**: requests cut off without an HTTP answer (only when the broker is killed); the partner sends them again.',
    '- **accepted**: distinct findings that some reply marked `accepted` (queued for delivery).',
    '- **imported**: accepted findings the customer\'s (emulated) Security Hub holds at the end (emulator admin API, `GET findings`).',
    '- **dead-lettered**: accepted findings in a DLQ message (`parseDeliveryMessage`), by `ErrorCode` in the last column.',
    '- **lost**: accepted, and neither imported nor dead-lettered once the delivery queue is drained (visible and in-flight',
    '  messages both 0). Must be 0.',
    '- **duplicated**: findings both imported and dead-lettered, or imported with content or `UpdatedAt` other than what',
    '  was sent (compared over ASFF members: others never reach Security Hub, and ingest warns `unknownField`). Must be 0. Re-imports of the same `Id` + `UpdatedAt` are not duplicates (Security Hub ignores them) and',
    '  are not counted: the emulator\'s admin API does not say how often a finding was sent.',
    '- **5xx (bad input)**: HTTP answers >= 500 in all, and (in parentheses) those to bad input, which must be 0.',
    '- **peak RSS MB**: the highest VmHWM of any process in the npm start process group (the broker\'s node), sampled every 250 ms; across the restart for the SIGKILL rows.',
    '- **s**: the scenario\'s wall time, start and restarts included.',
    '',
    '## Kept proven in `npm test`',
    '',
    '- Crash tests (smaller sizes of the two SIGKILL rows): `test/e2e/crash-mid-delivery.test.ts`, `test/e2e/crash-mid-ingest.test.ts`.',
    '- Fuzzers, 10,000 fast-check cases per route, each reply bounded, no 5xx, memory bounded, and logs, metrics and traces',
    '  scanned for planted finding content, token secrets, ExternalIds and credentials: `POST /v1/findings` and',
    '  `POST /v1/findings:validate` (`test/functions/ingest`), the partner authorizer (`test/functions/authorizer`), the seven',
    '  onboarding routes (`test/functions/onboarding`), the deliver function\'s SQS input (`test/functions/deliver`) and the',
    '  DLQ messages the operator CLI reads (`test/shared/redrive/dead-letter-view.fuzz.test.ts`).',
    '- The emulator\'s faults behind these scenarios, one test each: `test/emulator/throttling-and-faults.test.ts`.',
    '',
    '## Scenarios',
    '',
  ];
  for (const row of run.rows) {
    lines.push(`### ${row.scenario.name}`, '', row.scenario.description, '');
    const facts = Object.entries(row.outcome.facts ?? {});
    if (facts.length > 0) lines.push(`Measured: ${facts.map(([name, value]) => `${name} ${String(value)}`).join(', ')}.`, '');
    for (const note of row.outcome.notes) lines.push(`- ${note}`);
    const examples = row.outcome.tally?.examples;
    if (examples?.lost.length) lines.push(`- lost, e.g.: ${examples.lost.join(', ')}`);
    if (examples?.duplicated.length) lines.push(`- duplicated, e.g.: ${examples.duplicated.join(', ')}`);
    if (examples?.fiveXx.length) lines.push(...examples.fiveXx.map((answer) => `- ${answer.replaceAll('\n', ' ')}`));
    if (row.outcome.notes.length > 0 || examples?.lost.length || examples?.duplicated.length || examples?.fiveXx.length) lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
