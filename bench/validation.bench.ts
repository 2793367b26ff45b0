/**
 * ASFF validation cost per finding, on a realistic 100-finding request (vulnerability,
 * misconfiguration, threat and sensitive-data findings in equal parts), against a baseline measured
 * in the same run: a JSON round-trip of the same findings, which every request pays anyway.
 * And its cold-start cost: importing the validator in fresh processes, against importing an empty
 * module the same way.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { BenchRow, BenchSuite } from './bench-types.js';
import {
  aMisconfigurationFinding,
  aSensitiveDataFinding,
  aThreatFinding,
  aVulnerabilityFinding,
} from '../test/shared/asff/finding-factory.js';

const FINDINGS_PER_REQUEST = 100;
const WARM_UP_RUNS = 50;
const MEASURED_RUNS = 400;
/** Fresh processes per module; one more each is run first and dropped, to fill tsx's transform cache. */
const COLD_STARTS = 7;
const VALIDATOR_MODULE = new URL('../shared/asff/validate.ts', import.meta.url);
const REPO_ROOT = new URL('..', import.meta.url);

const kinds = [aVulnerabilityFinding, aMisconfigurationFinding, aThreatFinding, aSensitiveDataFinding];

function aRequest(): Record<string, unknown>[] {
  return Array.from({ length: FINDINGS_PER_REQUEST }, (_, i) => kinds[i % kinds.length]!());
}

/** Invalid in the ways partners get wrong: a missing Resources, an overlong Title, a bad timestamp. */
function anInvalidRequest(): Record<string, unknown>[] {
  return aRequest().map((finding) => ({ ...finding, Resources: [], Title: 'x'.repeat(300), UpdatedAt: '2024-05-01 10:00' }));
}

interface Stats {
  mean: number;
  p95: number;
}

/** Milliseconds per finding over many runs of a whole request, after a warm-up. */
function measure(findings: unknown[], work: (finding: unknown, index: number) => unknown): Stats {
  const perFinding: number[] = [];
  let sink = 0;
  for (let run = 0; run < WARM_UP_RUNS + MEASURED_RUNS; run++) {
    const start = performance.now();
    for (let i = 0; i < findings.length; i++) sink += work(findings[i], i) ? 1 : 0;
    const elapsed = performance.now() - start;
    if (run >= WARM_UP_RUNS) perFinding.push(elapsed / findings.length);
  }
  if (sink < 0) console.log(sink); // keeps the work observable
  perFinding.sort((a, b) => a - b);
  const mean = perFinding.reduce((sum, value) => sum + value, 0) / perFinding.length;
  const p95 = perFinding[Math.min(perFinding.length - 1, Math.floor(perFinding.length * 0.95))]!;
  return { mean, p95 };
}

/** Milliseconds one fresh `node --import tsx` process takes to import the module (process start excluded). */
async function importTime(module: URL): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(module.href)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
  });
  return Number(stdout);
}

/** Median import times of the validator and of an empty module, alternating so both see the same machine. */
async function coldStarts(): Promise<{ validator: number; empty: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'asff-cold-start-'));
  try {
    const emptyFile = join(dir, 'empty.mts');
    await writeFile(emptyFile, 'export {};\n');
    const empty = pathToFileURL(emptyFile);
    const validator: number[] = [];
    const baseline: number[] = [];
    for (let run = 0; run <= COLD_STARTS; run++) {
      const validatorMs = await importTime(VALIDATOR_MODULE);
      const emptyMs = await importTime(empty);
      if (run === 0) continue;
      validator.push(validatorMs);
      baseline.push(emptyMs);
    }
    return { validator: median(validator), empty: median(baseline) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export default {
  name: 'validation',
  async run(): Promise<BenchRow[]> {
    const cold = await coldStarts();
    const { validateFinding } = await import('../shared/asff/validate.js');

    const valid = aRequest();
    const invalid = anInvalidRequest();
    const baseline = measure(valid, (finding) => JSON.parse(JSON.stringify(finding)));
    const validStats = measure(valid, (finding, i) => validateFinding(finding, i).valid);
    const invalidStats = measure(invalid, (finding, i) => validateFinding(finding, i).valid);

    const row = (name: string, value: number, base?: number, note?: string): BenchRow => ({
      suite: 'validation',
      case: name,
      value,
      unit: 'ms/finding',
      ...(base !== undefined ? { ratioToBaseline: value / base } : {}),
      ...(note ? { note } : {}),
    });
    return [
      row('baseline: JSON round-trip, mean', baseline.mean),
      row('baseline: JSON round-trip, p95', baseline.p95),
      row('validate 100 valid findings, mean', validStats.mean, baseline.mean),
      row('validate 100 valid findings, p95', validStats.p95, baseline.p95),
      row('validate 100 invalid findings (3 errors each), mean', invalidStats.mean, baseline.mean),
      row('validate 100 invalid findings (3 errors each), p95', invalidStats.p95, baseline.p95),
      {
        suite: 'validation',
        case: `cold-start baseline: import an empty module, fresh process, median of ${COLD_STARTS}`,
        value: cold.empty,
        unit: 'ms',
      },
      {
        suite: 'validation',
        case: `cold start: import shared/asff/validate.ts, fresh process, median of ${COLD_STARTS}`,
        value: cold.validator,
        unit: 'ms',
        ratioToBaseline: cold.validator / cold.empty,
        note: 'once per container; the validator is precompiled (asff-validator.generated.js)',
      },
    ];
  },
} satisfies BenchSuite;
