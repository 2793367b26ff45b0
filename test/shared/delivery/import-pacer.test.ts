import { describe, expect, it } from 'vitest';
import { ImportPacer, PACING } from '#shared/delivery/import-pacer.js';
import { MemoryQuotaStates, type QuotaStates } from '#shared/delivery/quota-states.js';

/** A pacer on a hand-moved clock whose waits advance that clock. */
function pacerAt(states: QuotaStates, start = 0, deadline = Number.POSITIVE_INFINITY) {
  const clock = { now: start, waited: [] as number[] };
  const pacer = new ImportPacer(states, {
    deadline, now: () => clock.now,
    sleep: async (ms) => { clock.waited.push(ms); clock.now += ms; },
  });
  return { pacer, clock };
}

describe('ImportPacer', () => {
  it('lets a quota never paced before spend its burst at once, then paces at 10 calls a second', async () => {
    const { pacer, clock } = pacerAt(new MemoryQuotaStates());
    for (let i = 0; i < PACING.burst; i++) expect(await pacer.take('222222222222/us-east-1')).toBe(true);
    expect(clock.waited).toEqual([]);
    await pacer.take('222222222222/us-east-1');
    expect(clock.waited).toEqual([100]);
    // Another quota has its own bucket.
    await pacer.take('333333333333/us-east-1');
    expect(clock.waited).toEqual([100]);
  });

  it('keeps 10 calls of Security Hub\'s burst of 30 as headroom', () => {
    expect(PACING).toMatchObject({ rate: 10, burst: 20 });
  });

  it('continues where the previous invocation left the bucket, whichever container ran it', async () => {
    const states = new MemoryQuotaStates();
    const first = pacerAt(states, 0);
    for (let i = 0; i < PACING.burst + 5; i++) await first.pacer.take('k');
    await first.pacer.close();
    // The next invocation starts 50 ms later: the bucket is still empty, half a token refilled.
    const second = pacerAt(states, first.clock.now + 50);
    await second.pacer.take('k');
    expect(second.clock.waited).toEqual([50]);
  });

  it('over any span, lets through at most burst + 10 per second across back-to-back invocations', async () => {
    const states = new MemoryQuotaStates();
    let now = 0;
    const times: number[] = [];
    for (let invocation = 0; invocation < 20; invocation++) {
      const { pacer, clock } = pacerAt(states, now);
      for (let call = 0; call < 7; call++) {
        await pacer.take('k');
        times.push(clock.now);
      }
      await pacer.close();
      now = clock.now + 5; // the next batch arrives 5 ms later
    }
    for (const start of times) {
      const within = times.filter((t) => t >= start && t < start + 1000).length;
      expect(within).toBeLessThanOrEqual(PACING.burst + PACING.rate);
    }
    // ...and sustains the quota: 140 calls, the first 20 from the burst, the rest at 10/s.
    expect(times.at(-1)!).toBeLessThanOrEqual(((140 - PACING.burst) / PACING.rate) * 1000 + 10);
  });

  it('says no, reserving nothing, when the wait would end after the deadline', async () => {
    const { pacer, clock } = pacerAt(new MemoryQuotaStates(), 0, 250);
    for (let i = 0; i < PACING.burst; i++) await pacer.take('k');
    expect(await pacer.take('k')).toBe(true); // 100 ms
    expect(await pacer.take('k')).toBe(true); // 200 ms
    expect(await pacer.take('k')).toBe(false); // would be 300 ms
    expect(clock.now).toBe(200);
  });

  it('halves its rate after a throttled call and grows it back with successful calls', async () => {
    const states = new MemoryQuotaStates();
    const { pacer, clock } = pacerAt(states);
    for (let i = 0; i < PACING.burst; i++) await pacer.take('k');
    await pacer.throttled('k');
    await pacer.take('k');
    // One token at 5/s.
    expect(clock.waited).toEqual([200]);
    await pacer.succeeded('k');
    await pacer.close();
    expect(states.saved.get('k')?.rate).toBe(5 + PACING.increase);
  });

  it('halves once for throttled calls in a row (one congestion event), again only a second later', async () => {
    const states = new MemoryQuotaStates();
    const { pacer, clock } = pacerAt(states);
    await pacer.throttled('k');
    clock.now += 10;
    await pacer.throttled('k');
    clock.now += 10;
    await pacer.throttled('k');
    clock.now += PACING.decreaseEveryMs;
    await pacer.throttled('k');
    await pacer.close();
    expect(states.saved.get('k')?.rate).toBe(2.5);
  });

  it('starts empty, not full, when the stored bucket cannot be read (at worst one call waits)', async () => {
    const failing: QuotaStates = { load: async () => { throw new Error('DynamoDB unavailable'); }, save: async () => undefined };
    const { pacer, clock } = pacerAt(failing);
    await pacer.take('k');
    expect(clock.waited).toEqual([100]);
  });

  it('reports the quotas whose bucket could not be saved', async () => {
    const failing: QuotaStates = { load: async () => undefined, save: async () => { throw new Error('DynamoDB unavailable'); } };
    const { pacer } = pacerAt(failing);
    await pacer.take('k');
    expect(await pacer.close()).toEqual(['k']);
  });
});
