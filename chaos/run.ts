/**
 * `npm run chaos`: every reliability scenario against `npm start` children, one after another;
 * prints a compact table and writes docs/reliability.md.
 * Flags: --size small|full (default full), --seed <n>, --only <name>[,<name>], --out <file>
 * (default docs/reliability.md; --out - writes none), --findings <n> (overrides the size's load).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CRASH_SCENARIOS } from './crash-scenarios.js';
import { FAULT_SCENARIOS } from './fault-scenarios.js';
import { Random } from './random.js';
import { markdown, stdoutTable, type ScenarioRow } from './report.js';
import { SIZES, type Sizes } from './scenario-kit.js';

const { values: flags } = parseArgs({
  options: {
    size: { type: 'string', default: 'full' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    only: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../docs/reliability.md', import.meta.url)) },
    findings: { type: 'string' },
  },
});

const sizeName = String(flags.size);
if (!(sizeName in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
const sizes: Sizes = { ...SIZES[sizeName as keyof typeof SIZES], ...(flags.findings ? { findings: Number(flags.findings) } : {}) };
const seed = Number(flags.seed);
const only = flags.only?.split(',');
const scenarios = [...FAULT_SCENARIOS, ...CRASH_SCENARIOS].filter((scenario) => !only || only.includes(scenario.name));
if (scenarios.length === 0) throw new Error(`no scenario named ${String(flags.only)}`);

const startedAt = new Date();
const rows: ScenarioRow[] = [];
for (const [index, scenario] of scenarios.entries()) {
  process.stderr.write(`[${index + 1}/${scenarios.length}] ${scenario.name}...\n`);
  const began = performance.now();
  // Each scenario has its own stream, so adding or dropping one does not change the others' requests.
  const random = new Random(seed + index * 7919);
  const outcome = await scenario.run({ sizes, random, log: (line) => process.stderr.write(`${line}\n`) });
  rows.push({ scenario, outcome, seconds: (performance.now() - began) / 1000 });
  for (const note of outcome.notes) process.stderr.write(`  ${note}\n`);
}

process.stdout.write(`${stdoutTable(rows)}\n`);
if (flags.out !== '-') {
  await writeFile(String(flags.out), markdown({ startedAt, seed, sizeName, sizes, rows }));
  process.stdout.write(`written to ${String(flags.out)}\n`);
}
const broken = rows.filter(({ outcome }) => outcome.tally && (outcome.tally.lost > 0 || outcome.tally.fiveXxOnBadInput > 0 || outcome.tally.duplicated > 0));
process.exitCode = broken.length > 0 ? 1 : 0;
