import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitByCounts } from '#shared/batching/split-by-counts.js';

describe('splitByCounts', () => {
  it('cuts the items into consecutive parts of the given lengths, in order', () => {
    expect(splitByCounts(['a', 'b', 'c', 'd', 'e', 'f'], [1, 3, 2])).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f']]);
  });

  it('gives no part for no items and no counts, and an empty part for a count of 0', () => {
    expect(splitByCounts([], [])).toEqual([]);
    expect(splitByCounts(['a'], [0, 1])).toEqual([[], ['a']]);
  });

  it('throws when the counts add up to fewer or more than the items', () => {
    expect(() => splitByCounts(['a', 'b', 'c'], [1, 1])).toThrow(RangeError);
    expect(() => splitByCounts(['a', 'b'], [1, 2])).toThrow(RangeError);
    expect(() => splitByCounts(['a'], [])).toThrow(RangeError);
  });

  it('throws for a negative or fractional count', () => {
    expect(() => splitByCounts(['a', 'b'], [3, -1])).toThrow(RangeError);
    expect(() => splitByCounts(['a', 'b'], [0.5, 1.5])).toThrow(RangeError);
  });

  it('gives back every item once, in order, in parts of the given lengths', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.nat(), { maxLength: 5 }), { maxLength: 10 }), (parts) => {
      const split = splitByCounts(parts.flat(), parts.map((part) => part.length));
      expect(split).toEqual(parts);
    }));
  });
});
