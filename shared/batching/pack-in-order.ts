export interface PackLimits {
  /** Items a run holds at the most; a whole number, at least 1. */
  maxCount: number;
  /** What the sizes of a run's items add up to at the most; one item larger than this still gets a run of its own. */
  maxBytes: number;
}

/** The items `start` (inclusive) to `end` (exclusive) of the input. */
export interface Run {
  start: number;
  end: number;
}

/**
 * Splits items of the given sizes into consecutive runs within the limits, greedily (next-fit): a run
 * ends when it holds maxCount items or the next item would take it past maxBytes. Unlike first-fit
 * (chunkForImport) it keeps the items in order, because the queues the runs are sent to are FIFO: the
 * messages of a group, and the findings in them, arrive in the order a partner sent them (the older
 * version of a finding first), and a caller can tell which inputs went into which run by counting
 * (splitByCounts).
 */
export function packInOrder(sizes: readonly number[], limits: PackLimits): Run[] {
  if (!Number.isInteger(limits.maxCount) || limits.maxCount < 1) throw new RangeError(`maxCount must be a whole number of at least 1, not ${limits.maxCount}`);
  const runs: Run[] = [];
  let start = 0;
  let bytes = 0;
  sizes.forEach((size, index) => {
    const count = index - start;
    if (count > 0 && (count === limits.maxCount || bytes + size > limits.maxBytes)) {
      runs.push({ start, end: index });
      start = index;
      bytes = 0;
    }
    bytes += size;
  });
  if (start < sizes.length) runs.push({ start, end: sizes.length });
  return runs;
}
