/**
 * `npm run bench`: runs every benchmark suite, prints one table and writes bench/results/latest.json.
 * Each suite compares against a baseline measured in the same run and reports ratios, never
 * absolute pass/fail thresholds (goals are read off the table, not asserted).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow, BenchSuite } from './bench-types.js';
import { formatTable } from './support/bench-table.js';

const suites: Array<() => Promise<{ default: BenchSuite }>> = [
  // Each suite lives in its own file; add new ones here.
  () => import('./validation.bench.js'),
  () => import('./delivery.bench.js'),
  () => import('./ledger.bench.js'),
  () => import('./dlq.bench.js'),
  () => import('./cold-start.bench.js'),
];

async function main(): Promise<void> {
  // `npm run bench -- [suite] [--quick]`: one suite, and smaller scenarios (about a fifth) for a quick look.
  const quick = process.argv.includes('--quick');
  if (quick) process.env.BENCH_QUICK = '1';
  const only = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const rows: BenchRow[] = [];
  for (const load of suites) {
    const suite = (await load()).default;
    if (only && suite.name !== only) continue;
    process.stderr.write(`running ${suite.name}...\n`);
    rows.push(...(await suite.run()));
  }
  console.log(formatTable(rows));
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
  await mkdir(dirname(out), { recursive: true });
  // What the figures depend on, so a result can be compared with another run: machine, code and parameters.
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)), platform: process.platform };
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  await writeFile(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, machine, commit, parameters: { only: only ?? 'all', quick }, rows }, null, 2));
  console.log(`results written to ${out}`);
}

await main();
