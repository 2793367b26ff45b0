import { describe, expect, it } from 'vitest';
import { CRASH_SCENARIOS } from '../../chaos/crash-scenarios.js';
import { Random } from '../../chaos/random.js';
import { SIZES } from '../../chaos/scenario-kit.js';

const SEED = 20_260_101;

describe('SIGKILL of npm start mid-delivery, then npm start again on the same data dir', () => {
  it('ends every accepted finding imported (once, as sent) or dead-lettered with its reason', async () => {
    const scenario = CRASH_SCENARIOS.find((candidate) => candidate.name === 'sigkill-mid-delivery')!;
    const outcome = await scenario.run({ sizes: SIZES.small, random: new Random(SEED), log: (line) => process.stderr.write(`${line}\n`) });
    const context = `seed ${SEED}, small sizes: ${JSON.stringify({ facts: outcome.facts, notes: outcome.notes, tally: outcome.tally })}`;
    // The kill must have landed with some findings imported and some not, or this proves nothing.
    expect(outcome.facts?.killedMidDelivery, context).toBe(true);
    const tally = outcome.tally!;
    expect(tally.accepted, context).toBe(SIZES.small.findings);
    expect(tally.lost, context).toBe(0);
    expect(tally.duplicated, context).toBe(0);
    expect(tally.imported + tally.deadLettered, context).toBe(tally.accepted);
    expect(tally.reasons['(none)'], context).toBeUndefined();
    expect(outcome.notes.filter((note) => /not drained|gone after the restart/.test(note)), context).toEqual([]);
  }, 90_000);
});
