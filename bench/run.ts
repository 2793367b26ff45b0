/**
 * `npm run bench`: runs every benchmark suite, prints one table and writes bench/results/latest.json.
 * Each suite compares against a baseline measured in the same run and reports ratios, never
 * absolute pass/fail thresholds (goals are read off the table, not asserted).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow, BenchSuite } from './bench-types.js';

const suites: Array<() => Promise<{ default: BenchSuite }>> = [
  // Each suite lives in its own file; add new ones here.
  () => import('./validation.bench.js'),
  () => import('./delivery.bench.js'),
  () => import('./dlq.bench.js'),
];

async function main(): Promise<void> {
  const only = process.argv[2];
  const rows: BenchRow[] = [];
  for (const load of suites) {
    const suite = (await load()).default;
    if (only && suite.name !== only) continue;
    process.stderr.write(`running ${suite.name}...\n`);
    rows.push(...(await suite.run()));
  }
  console.table(rows.map((row) => ({ ...row, value: Number(row.value.toFixed(3)) })));
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
  console.log(`results written to ${out}`);
}

await main();
