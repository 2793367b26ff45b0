import { describe, expect, it } from 'vitest';
import { CRASH_SCENARIOS } from '../../chaos/crash-scenarios.js';
import { Random } from '../../chaos/random.js';
import { SIZES } from '../../chaos/scenario-kit.js';

const SEED = 20_260_102;

describe('SIGKILL of npm start while POSTs are in flight, then npm start again on the same data dir', () => {
  it('ends every finding a reply accepted imported (once, as sent) or dead-lettered with its reason; cut-off requests sent again are accepted', async () => {
    const scenario = CRASH_SCENARIOS.find((candidate) => candidate.name === 'sigkill-mid-ingest')!;
    const outcome = await scenario.run({ sizes: SIZES.small, random: new Random(SEED), log: (line) => process.stderr.write(`${line}\n`) });
    const context = `seed ${SEED}, small sizes: ${JSON.stringify({ facts: outcome.facts, notes: outcome.notes, tally: outcome.tally })}`;
    // Requests were in flight when the process group died, and some had been accepted before.
    expect(outcome.facts?.killedMidIngest, context).toBe(true);
    const tally = outcome.tally!;
    expect(tally.noReply, context).toBeGreaterThan(0);
    // The partner sent the unanswered requests again after the restart: every finding ends up accepted.
    expect(tally.accepted, context).toBe(SIZES.small.findings);
    expect(tally.lost, context).toBe(0);
    expect(tally.duplicated, context).toBe(0);
    expect(tally.fiveXxOnBadInput, context).toBe(0);
    expect(tally.imported + tally.deadLettered, context).toBe(tally.accepted);
    expect(outcome.notes.filter((note) => /not drained|gone after the restart|no reply even after/.test(note)), context).toEqual([]);
  }, 90_000);
});
