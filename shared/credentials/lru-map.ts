/**
 * A Map bounded to `capacity` entries that evicts the least recently used one (a read or a write
 * counts as a use). Per-container caches use it so a long-lived Lambda container serving many
 * destinations cannot grow without bound (MAX_CACHED_DESTINATIONS). Hand-written on Map's
 * insertion order (re-inserting a key moves it to the end): ~30 lines, no dependency needed.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    readonly capacity: number,
    /** Called for each entry evicted for room (not for one deleted or replaced by the caller). */
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new Error(`LruMap capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value, without counting as a use. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldestValue] = this.entries.entries().next().value as [K, V];
      this.entries.delete(oldestKey);
      this.onEvict?.(oldestKey, oldestValue);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }
}
