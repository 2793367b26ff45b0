/**
 * Cuts items into consecutive parts of the given lengths, in order: which inputs went into each of
 * the messages an in-order packer (packInOrder) made from them. Throws when the counts do not cover
 * the items exactly, since a mismatch would pin outcomes on the wrong inputs.
 */
export function splitByCounts<T>(items: readonly T[], counts: readonly number[]): T[][] {
  const parts: T[][] = [];
  let offset = 0;
  for (const count of counts) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`a count must be a whole number of at least 0, not ${count}`);
    parts.push(items.slice(offset, offset + count));
    offset += count;
  }
  if (offset !== items.length) throw new RangeError(`the counts add up to ${offset}, not to the ${items.length} items`);
  return parts;
}
