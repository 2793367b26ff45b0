/**
 * Orders two ASFF timestamps exactly (nanosecond fractions and zone offsets included), for the
 * CreatedAt <= UpdatedAt rule. Date.parse would drop digits past milliseconds.
 */
import { TIMESTAMP_PATTERN } from './documented-constraints.js';

const VALID = new RegExp(TIMESTAMP_PATTERN);
const PARTS = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:Z|([+-])(\d\d)(?::?(\d\d))?)$/;

/** Nanoseconds since the epoch, or undefined when the value is not an ASFF timestamp. */
export function timestampNanos(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || !VALID.test(value)) return undefined;
  const m = PARTS.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', sign, oh = '0', om = '0'] = m;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000 - offsetMinutes * 60;
  return BigInt(seconds) * 1_000_000_000n + BigInt(frac.padEnd(9, '0') || '0');
}

/** Negative, zero or positive as `a` is before, at or after `b`; undefined if either is not a timestamp. */
export function compareTimestamps(a: unknown, b: unknown): number | undefined {
  const left = timestampNanos(a);
  const right = timestampNanos(b);
  if (left === undefined || right === undefined) return undefined;
  return left < right ? -1 : left > right ? 1 : 0;
}
