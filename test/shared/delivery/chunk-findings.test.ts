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
