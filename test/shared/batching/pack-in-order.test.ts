import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packInOrder, type PackLimits, type Run } from '#shared/batching/pack-in-order.js';

const limits: PackLimits = { maxCount: 3, maxBytes: 10 };

/** The packer spelt out plainly: one batch of indexes at a time, a new one when the next item does not fit. */
function referenceBatches(sizes: number[], { maxCount, maxBytes }: PackLimits): number[][] {
  const batches: number[][] = [];
  let batch: number[] = [];
  let bytes = 0;
  for (let index = 0; index < sizes.length; index++) {
    const size = sizes[index]!;
    const fits = batch.length < maxCount && bytes + size <= maxBytes;
    if (batch.length > 0 && !fits) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(index);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

const indexesOf = (runs: Run[]): number[][] => runs.map(({ start, end }) => Array.from({ length: end - start }, (_, offset) => start + offset));

describe('packInOrder', () => {
  it('gives no run for no items', () => {
    expect(packInOrder([], limits)).toEqual([]);
  });

  it('starts a new run when the current one holds maxCount items', () => {
    expect(packInOrder([1, 1, 1, 1, 1, 1, 1], limits)).toEqual([{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 6, end: 7 }]);
  });

  it('starts a new run when the next item would take the current one past maxBytes, and fills one up to maxBytes exactly', () => {
    expect(packInOrder([4, 6, 5, 6], limits)).toEqual([{ start: 0, end: 2 }, { start: 2, end: 3 }, { start: 3, end: 4 }]);
  });

  it('gives an item larger than maxBytes a run of its own rather than dropping it', () => {
    expect(packInOrder([2, 25, 2], limits)).toEqual([{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 3 }]);
    expect(packInOrder([25], limits)).toEqual([{ start: 0, end: 1 }]);
  });

  it('keeps the items in order, never moving a later small item into an earlier run with room', () => {
    expect(packInOrder([6, 6, 1], limits)).toEqual([{ start: 0, end: 1 }, { start: 1, end: 3 }]);
  });

  it('refuses a maxCount that is not a whole number of at least 1', () => {
    expect(() => packInOrder([1], { maxCount: 0, maxBytes: 10 })).toThrow(RangeError);
    expect(() => packInOrder([1], { maxCount: 1.5, maxBytes: 10 })).toThrow(RangeError);
  });

  it('makes the same batches as the plain reference packer, for any sizes and limits', () => {
    fc.assert(fc.property(
      fc.array(fc.nat({ max: 40 }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      fc.nat({ max: 60 }),
      (sizes, maxCount, maxBytes) => {
        const runs = packInOrder(sizes, { maxCount, maxBytes });
        expect(indexesOf(runs)).toEqual(referenceBatches(sizes, { maxCount, maxBytes }));
      },
    ), { numRuns: 2000 });
  });
});
