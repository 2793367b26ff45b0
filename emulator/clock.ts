/**
 * The emulator's notion of "now". Wall time plus an offset tests can push forward, so session
 * expiry and token-bucket refills can be exercised without sleeping. Every time check in the
 * emulator reads this clock, never Date.now() directly.
 * Assumption (emulator-only, no AWS counterpart): the clock only moves forward, so a test cannot
 * un-expire a session; AWS's own request-time skew checks are not modelled (see sigv4.ts).
 */
export class Clock {
  private offsetMs = 0;
  /** Set by freeze(): time stands still (but for advance), so a test's own slowness refills nothing. */
  private frozenAt: number | undefined;

  now(): number {
    return (this.frozenAt ?? Date.now()) + this.offsetMs;
  }

  freeze(): void {
    this.frozenAt ??= Date.now();
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceClock needs a non-negative number of ms, got ${ms}`);
    this.offsetMs += ms;
  }
}
