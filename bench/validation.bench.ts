/**
 * ASFF validation cost per finding, on a realistic 100-finding request (vulnerability,
 * misconfiguration, threat and sensitive-data findings in equal parts), against a baseline measured
 * in the same run: a JSON round-trip of the same findings, which every request pays anyway.
 */
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

export default {
  name: 'validation',
  async run(): Promise<BenchRow[]> {
    const loadStart = performance.now();
    const { validateFinding } = await import('../shared/asff/validate.js');
    const loadMs = performance.now() - loadStart;

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
        case: 'module load: schema compile, once per container',
        value: loadMs,
        unit: 'ms',
        note: 'cold-start cost; near 0 if another suite loaded the validator first',
      },
    ];
  },
} satisfies BenchSuite;
