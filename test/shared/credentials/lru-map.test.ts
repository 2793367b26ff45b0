import { describe, expect, it } from 'vitest';
import { LruMap } from '#shared/credentials/lru-map.js';

describe('LruMap', () => {
  it('keeps at most capacity entries, evicting the least recently used and reporting it', () => {
    const evicted: Array<[string, number]> = [];
    const map = new LruMap<string, number>(2, (key, value) => evicted.push([key, value]));
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1); // a is now more recent than b
    map.set('c', 3);
    expect(evicted).toEqual([['b', 2]]);
    expect(map.size).toBe(2);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([1, undefined, 3]);
  });

  it('does not count a peek as a use, nor a replacement or delete as an eviction', () => {
    const evicted: string[] = [];
    const map = new LruMap<string, number>(2, (key) => evicted.push(key));
    map.set('a', 1).set('b', 2);
    expect(map.peek('a')).toBe(1);
    map.set('b', 20);
    map.delete('b');
    expect(evicted).toEqual([]);
    map.set('c', 3).set('d', 4);
    expect(evicted).toEqual(['a']);
  });
});
