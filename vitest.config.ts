import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The fuzzers (10,000 cases a route) are the longest files. Without timings from an earlier run (a
 * fresh clone, CI), vitest starts the largest files first, and the fuzz files that only call a shared
 * suite are among the smallest: started last, they ran alone on one worker at the end (about 40 s
 * added to the suite). Longest first, so the two workers finish together.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const long = (spec: TestSpecification) => spec.moduleId.endsWith('.fuzz.test.ts');
    return [...sorted.filter(long), ...sorted.filter((spec) => !long(spec))];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real local services (dynalite, fauxqs, the emulator) on random ports;
    // two workers match the two cores CI has.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { sequencer: LongestFirst },
  },
});
