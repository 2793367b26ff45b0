/**
 * The emulator's notion of "now". Wall time plus an offset tests can push forward, so session
 * expiry and token-bucket refills can be exercised without sleeping. Every time check in the
 * emulator reads this clock, never Date.now() directly.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceClock needs a non-negative number of ms, got ${ms}`);
    this.offsetMs += ms;
  }
}
