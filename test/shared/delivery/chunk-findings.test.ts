import { describe, expect, it } from 'vitest';
import { chunkForImport } from '#shared/delivery/chunk-findings.js';
import { MAX_IMPORT_REQUEST_BYTES } from '#shared/limits.js';

const finding = (id: number, bytes = 100) => ({ Id: `f-${id}`, Description: 'x'.repeat(bytes) });

describe('chunkForImport', () => {
  it('fills chunks of 100 findings: 250 findings take 3 imports', () => {
    const chunks = chunkForImport(Array.from({ length: 250 }, (_, i) => finding(i)), (f) => f);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
  });

  it('starts a new chunk before a request would pass 6 MB', () => {
    // 30 findings of ~230 KB: 26 fit under 6 MB, the rest go to a second import.
    const big = Array.from({ length: 30 }, (_, i) => finding(i, 230 * 1024));
    const chunks = chunkForImport(big, (f) => f);
    expect(chunks.length).toBe(2);
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify({ Findings: chunk }))).toBeLessThanOrEqual(MAX_IMPORT_REQUEST_BYTES);
    expect(chunks.flat().map((f) => f.Id)).toEqual(big.map((f) => f.Id));
  });
});

describe('chunkForImport with findings that share an Id', () => {
  it('never puts two findings with the same Id in one chunk: later versions go to later chunks, in order', () => {
    const items = [
      { Id: 'a', UpdatedAt: '1' }, { Id: 'b', UpdatedAt: '1' }, { Id: 'a', UpdatedAt: '2' }, { Id: 'c', UpdatedAt: '1' }, { Id: 'a', UpdatedAt: '3' },
    ];
    const chunks = chunkForImport(items, (f) => f);
    expect(chunks.map((chunk) => chunk.map((f) => `${f.Id}${f.UpdatedAt}`))).toEqual([['a1', 'b1', 'c1'], ['a2'], ['a3']]);
  });

  it('still fills chunks of 100 around the repeated Ids', () => {
    // 150 distinct findings plus a second version of f-0: 2 chunks, the second version in the second.
    const items = [...Array.from({ length: 150 }, (_, i) => finding(i)), { ...finding(0), Description: 'v2' }];
    const chunks = chunkForImport(items, (f) => f);
    expect(chunks.map((c) => c.length)).toEqual([100, 51]);
    for (const chunk of chunks) expect(new Set(chunk.map((f) => f.Id)).size).toBe(chunk.length);
    expect(chunks[1]!.at(-1)).toMatchObject({ Id: 'f-0', Description: 'v2' });
  });
});
